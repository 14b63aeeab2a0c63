package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JacksonAnnotation;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JacksonStdImpl;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The proxy classes {@link EarlyInit} makes are the very ones the JDK hands out when Jackson and
 * Netty read those annotations later (same class loader, same interface: one class, cached), so
 * the config read and the channel set-up find them made instead of making their own.
 */
class EarlyInitTest {
    @Test
    void theProxyClassesMadeEarlyAreTheOnesAnnotationReadsReturn() throws Exception {
        EarlyInit.run();
        assertThat(JsonProperty.class.getAnnotation(Retention.class).getClass())
                .isSameAs(EarlyInit.proxyClass(Retention.class));
        assertThat(JsonProperty.class.getAnnotation(Target.class).getClass()).isSameAs(EarlyInit.proxyClass(Target.class));
        assertThat(JsonProperty.class.getAnnotation(JacksonAnnotation.class).getClass())
                .isSameAs(EarlyInit.proxyClass(JacksonAnnotation.class));
        assertThat(com.fasterxml.jackson.databind.deser.std.StringDeserializer.class.getAnnotation(JacksonStdImpl.class)
                .getClass()).isSameAs(EarlyInit.proxyClass(JacksonStdImpl.class));

        var staticBackend = dev.aigw.config.agentgateway.AgentgatewayBackend.Spec.class.getDeclaredField("staticBackend");
        assertThat(staticBackend.getAnnotation(JsonProperty.class).getClass()).isSameAs(EarlyInit.proxyClass(JsonProperty.class));
        Method of = dev.aigw.config.GoDuration.class.getMethod("of", String.class);
        assertThat(of.getAnnotation(JsonCreator.class).getClass()).isSameAs(EarlyInit.proxyClass(JsonCreator.class));
        Method text = dev.aigw.config.GoDuration.class.getMethod("text");
        assertThat(text.getAnnotation(JsonValue.class).getClass()).isSameAs(EarlyInit.proxyClass(JsonValue.class));

        Class<?> skip = Class.forName(EarlyInit.NETTY_SKIP);
        @SuppressWarnings("unchecked")
        var skipType = (Class<? extends java.lang.annotation.Annotation>) skip;
        Method read = io.netty.channel.ChannelInboundHandlerAdapter.class.getMethod("channelRead",
                io.netty.channel.ChannelHandlerContext.class, Object.class);
        assertThat(read.getAnnotation(skipType).getClass()).isSameAs(EarlyInit.proxyClass(skip));
        assertThat(io.netty.handler.logging.LoggingHandler.class.getAnnotation(io.netty.channel.ChannelHandler.Sharable.class)
                .getClass()).isSameAs(EarlyInit.proxyClass(io.netty.channel.ChannelHandler.Sharable.class));
    }
}
