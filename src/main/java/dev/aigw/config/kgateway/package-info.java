/**
 * kgateway's resources ({@code gateway.kgateway.dev/v1alpha1}) in the shapes of its three eras
 * (2.0 {@code ai.llm.provider.<p>}, 2.1 {@code ai.llm.<p>}, 2.1 {@code priorityGroups}): the
 * {@code spec} of {@code Backend} and {@code TrafficPolicy} as records that
 * {@link dev.aigw.config.Binder} binds strictly. Old spellings are fields of their own (the
 * validation pass reads whichever is set and refuses two at once). Each kind's one validation pass
 * builds the compiled {@link dev.aigw.config.BackendResource} ({@code BackendConversion}) and
 * {@link dev.aigw.config.TrafficPolicyResource} ({@code TrafficPolicyConversion},
 * {@code PromptGuardConversion}) from the bound records, reporting at JSON pointers through
 * {@link dev.aigw.config.Checker}.
 *
 * <p>Depends on {@code config} and Jackson only.
 */
package dev.aigw.config.kgateway;
