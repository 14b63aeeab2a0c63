package dev.aigw.testing;

import dev.aigw.proxy.WireDefaults;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Applies {@link WireDefaults} when the test JVM's launcher session opens, before any test class
 * loads Netty or Vert.x, so the tests run the data path with the settings production has
 * (registered in META-INF/services). Netty's leak detector keeps its default (simple) here.
 */
public final class WireDefaultsSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        WireDefaults.apply();
    }
}
