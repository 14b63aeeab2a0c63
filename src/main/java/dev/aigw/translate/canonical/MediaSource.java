package dev.aigw.translate.canonical;

import java.util.Optional;

/** Where the bytes of a {@link Part.Media} are. */
public sealed interface MediaSource {

    /** Inline bytes: base64 without a data-URL prefix. */
    record Base64(String mediaType, String data) implements MediaSource {
    }

    /** A URL the provider fetches (http(s), or gs:// for Gemini); the type when the client said it. */
    record Url(String url, Optional<String> mediaType) implements MediaSource {
    }

    /** A provider-side file id (OpenAI {@code file_id}, Anthropic Files API), usable only where it was made. */
    record FileId(String id) implements MediaSource {
    }
}
