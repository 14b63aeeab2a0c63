# ai-gateway image: `docker build -t ai-gateway:0.1.0 .` (runs in Kubernetes mode; see deploy/README.md).
# JDK 25 on both sides: the AOT cache built below belongs to the JVM that made it, so the runtime
# image makes it, and JDK 25 is the first with one-step AOT caches (JEP 514) and compact headers.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src ./src
RUN mvn -q -B -Dmaven.test.skip=true package

FROM eclipse-temurin:25-jre-noble
RUN groupadd --system --gid 10001 aigw && useradd --system --uid 10001 --gid aigw --no-create-home aigw
# The launcher is the one place the JVM flags are chosen (collector, heap, AOT cache: bin/lib/jvm.sh),
# so the image runs it too. It expects the jar at target/ai-gateway.jar beside bin/.
COPY bin /app/bin
COPY --from=build /src/target/ai-gateway.jar /app/target/ai-gateway.jar
# The training run (sample traffic on loopback ports, a few seconds) writes the AOT cache into the
# image; the container's root filesystem is read-only, and the launcher then only reads it.
RUN /app/bin/ai-gateway aot-cache && ls /app/target/*.aot
USER 10001:10001
EXPOSE 8080 19000
ENTRYPOINT ["/app/bin/ai-gateway", "run", "--kubernetes"]
