# ai-gateway image: `docker build -t ai-gateway:0.1.0 .` (runs in Kubernetes mode; see deploy/README.md).
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src ./src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:21-jre-noble
RUN groupadd --system --gid 10001 aigw && useradd --system --uid 10001 --gid aigw --no-create-home aigw
COPY --from=build /src/target/ai-gateway.jar /app/ai-gateway.jar
USER 10001:10001
EXPOSE 8080 19000
ENTRYPOINT ["java", "-jar", "/app/ai-gateway.jar", "run", "--kubernetes"]
