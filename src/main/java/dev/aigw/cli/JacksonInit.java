package dev.aigw.cli;

/**
 * Jackson's {@code ObjectMapper} class initialised on a thread of its own from main's first line.
 * Its static defaults include a {@code SimpleDateFormat} and a {@code GregorianCalendar} for
 * {@code Locale.US}, and the JDK answers the calendar's first day of the week by turning every
 * locale CLDR knows into a {@code Locale} (~0.1 s interpreted on a cold JVM). The first config
 * read needs the class once its YAML is read, the cost catalog on the main thread needs it after
 * logging is set up; without this, the config read waited for the main thread to finish it.
 * Whichever thread comes first waits for this one instead (a class is initialised once).
 */
final class JacksonInit {
    private JacksonInit() {
    }

    static void start() {
        Thread t = new Thread(() -> {
            try {
                Class.forName("com.fasterxml.jackson.databind.ObjectMapper", true, JacksonInit.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ignored) {
                // the thread that needs it next initialises it, and reports what fails
            }
        }, "jackson-init");
        t.setDaemon(true);
        t.start();
    }
}
