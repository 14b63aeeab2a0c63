package dev.aigw.policy;

/**
 * One prompt text of a request with its role (OpenAI terms), read without building the body's
 * tree: what a regex guard that only rejects needs. The same texts, in the same order, as
 * {@link BodyText#request} finds in the tree.
 */
public record PromptText(String role, String text) {
}
