/**
 * The decisions behind failover, kept free of I/O so they can be tested with a fake clock:
 * which providers to try and in what order ({@link dev.aigw.proxy.resilience.AttemptPlanner}),
 * how each provider is doing ({@link dev.aigw.proxy.resilience.ProviderHealth}: outlier
 * ejection, rate-limit headers, time to first byte), which failures may be retried ({@link
 * dev.aigw.proxy.resilience.Classifier}, {@link dev.aigw.proxy.resilience.RetryPolicy}), and
 * how much extra load retries may add ({@link dev.aigw.proxy.resilience.RetryBudget}), and the
 * failover of one request as a unit that turns attempt outcomes into decisions ({@link
 * dev.aigw.proxy.resilience.Failover}).
 *
 * <p>Everything here is thread-safe and never blocks: it is called from event loops. Time comes
 * from a {@link dev.aigw.proxy.resilience.Ticker}. The proxy handler does the sending.
 *
 * <p>May depend on {@code route}, {@code provider} and {@code config}; not on Vert.x.
 */
package dev.aigw.proxy.resilience;
