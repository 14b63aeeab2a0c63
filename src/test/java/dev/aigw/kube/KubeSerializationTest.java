package dev.aigw.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The informers' serialization reads watch events without fabric8's class-path scan. */
class KubeSerializationTest {
    final KubernetesSerialization ser = KubeSource.serialization();

    @Test
    void aWatchedObjectIsReadAsTheGenericResourceTheInformersHold() {
        // fabric8's default (scanning) serialization types this as its gatewayapi.v1.Gateway model.
        WatchEvent e = ser.unmarshal("""
                {"type":"ADDED","object":{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway",
                 "metadata":{"name":"g","namespace":"ns","resourceVersion":"7"},
                 "spec":{"gatewayClassName":"kgateway","futureField":{"a":1}}}}""", WatchEvent.class);
        assertThat(e.getObject()).isExactlyInstanceOf(GenericKubernetesResource.class);
        GenericKubernetesResource g = (GenericKubernetesResource) e.getObject();
        assertThat(g.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(g.getAdditionalProperties().get("spec").toString()).contains("futureField");

        WatchEvent secret = ser.unmarshal("""
                {"type":"MODIFIED","object":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
                 "data":{"k":"dg=="}}}""", WatchEvent.class);
        assertThat(secret.getObject()).isExactlyInstanceOf(GenericKubernetesResource.class);
    }

    @Test
    void anErrorEventKeepsItsStatusSoTheWatchCanRelist() {
        WatchEvent e = ser.unmarshal("""
                {"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","status":"Failure",
                 "reason":"Expired","code":410,"message":"too old resource version"}}""", WatchEvent.class);
        assertThat(e.getObject()).isInstanceOfSatisfying(Status.class, s -> assertThat(s.getCode()).isEqualTo(410));
    }
}
