/**
 * What a request cost in US dollars: the model catalog (agentgateway's catalog JSON,
 * {@code providers.<p>.models.<m>.rates} in USD per million tokens) and the price of one
 * {@link dev.aigw.translate.Usage} under it.
 *
 * <p>{@link dev.aigw.cost.Catalog} is immutable: the default catalog shipped as
 * {@code default-catalog.json} (dated, with its sources), overridden per model by a configured one
 * (a file, or the ConfigMaps AgentgatewayParameters {@code spec.modelCatalog.sources} names).
 * {@link dev.aigw.cost.Cost} is the priced usage (total and parts), exposed to CEL as
 * {@code llm.cost}. Budgets count {@link dev.aigw.cost.Cost#MICRO_USD micro-dollars}.
 *
 * <p>May depend on: translate ({@code Usage}), Jackson. No I/O beyond reading the bytes it is given.
 */
package dev.aigw.cost;
