package dev.aigw.translate;

import java.util.Locale;
import java.util.Optional;

/** RFC 2397 data URLs, the way OpenAI carries inline images and files. */
final class Media {
    private Media() {
    }

    record DataUrl(String mediaType, String base64) {
        String encode() {
            return "data:" + mediaType + ";base64," + base64;
        }
    }

    /** Parses {@code data:<type>;base64,<data>}; empty when not a base64 data URL. */
    static Optional<DataUrl> parseDataUrl(String url) {
        if (!url.regionMatches(true, 0, "data:", 0, 5)) {
            return Optional.empty();
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            return Optional.empty();
        }
        String meta = url.substring(5, comma);
        if (!meta.toLowerCase().endsWith(";base64")) {
            return Optional.empty();
        }
        String mediaType = meta.substring(0, meta.length() - ";base64".length());
        // Parameters such as charset are not accepted by providers' media_type enums.
        int semi = mediaType.indexOf(';');
        if (semi >= 0) {
            mediaType = mediaType.substring(0, semi);
        }
        if (mediaType.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DataUrl(mediaType.toLowerCase(), url.substring(comma + 1)));
    }

    static boolean isHttpUrl(String url) {
        return url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7);
    }

    /** Image MIME type from a URL's extension, jpeg when unknown. */
    static String guessImageType(String url) {
        String path = url.toLowerCase(Locale.ROOT).replaceAll("[?#].*$", "");
        if (path.endsWith(".png")) {
            return "image/png";
        } else if (path.endsWith(".webp")) {
            return "image/webp";
        } else if (path.endsWith(".gif")) {
            return "image/gif";
        } else if (path.endsWith(".heic")) {
            return "image/heic";
        }
        return "image/jpeg";
    }
}
