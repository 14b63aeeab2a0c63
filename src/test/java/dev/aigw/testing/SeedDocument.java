package dev.aigw.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's document, {@code cloud-llm-providers.txt}, read as a shell user would run it: the
 * YAML of each {@code kubectl apply -f - <<EOF} block (with {@code $VARS} expanded) and each
 * {@code curl} to localhost (URL path, headers, body).
 */
public final class SeedDocument {
    public record Curl(String path, Map<String, String> headers, String body) {
    }

    private final String text;

    private SeedDocument(String text) {
        this.text = text;
    }

    /** The shared seed when it sits beside the checkout, else the copy in test resources. */
    public static SeedDocument load() throws IOException {
        Path shared = Path.of("..", "shared", "seed", "cloud-llm-providers.txt");
        Path copy = Path.of("src", "test", "resources", "seed-doc", "cloud-llm-providers.txt");
        return new SeedDocument(Files.readString(Files.exists(shared) ? shared : copy));
    }

    public static String copyText() throws IOException {
        return Files.readString(Path.of("src", "test", "resources", "seed-doc", "cloud-llm-providers.txt"));
    }

    public String text() {
        return text;
    }

    /** The heredoc bodies, dedented, with {@code $NAME} replaced from {@code vars} (unset: empty, as bash does). */
    public List<String> yamlBlocks(Map<String, String> vars) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].contains("kubectl apply") || !lines[i].contains("<<EOF")) continue;
            List<String> block = new ArrayList<>();
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals("EOF"); j++) block.add(lines[j]);
            i = j;
            int indent = block.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                    .min().orElse(0);
            StringBuilder sb = new StringBuilder();
            for (String l : block) sb.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
            out.add(expand(sb.toString(), vars));
        }
        return out;
    }

    /** The curl commands against {@code localhost:8080}, as the shell would pass them. */
    public List<Curl> localhostCurls(Map<String, String> vars) {
        List<Curl> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().startsWith("curl \"localhost:8080")) continue;
            StringBuilder cmd = new StringBuilder();
            int j = i;
            // The command runs until the pipe to jq, across continuation lines and the quoted body.
            for (; j < lines.length; j++) {
                String l = lines[j];
                cmd.append(l.endsWith("\\") ? l.substring(0, l.length() - 1) : l).append('\n');
                if (l.contains("| jq")) break;
            }
            i = j;
            String c = cmd.substring(0, cmd.lastIndexOf("| jq"));
            List<String> words = shellWords(c, vars);
            String url = words.get(1);
            Map<String, String> headers = new LinkedHashMap<>();
            String body = null;
            for (int k = 2; k < words.size(); k++) {
                if (words.get(k).equals("-H")) {
                    String h = words.get(++k);
                    int colon = h.indexOf(':');
                    headers.put(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
                } else if (words.get(k).equals("-d")) {
                    body = words.get(++k);
                }
            }
            out.add(new Curl(url.substring("localhost:8080".length()), headers, body));
        }
        return out;
    }

    private static String expand(String s, Map<String, String> vars) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '$' && i + 1 < s.length() && (Character.isLetter(s.charAt(i + 1)) || s.charAt(i + 1) == '_')) {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                sb.append(vars.getOrDefault(s.substring(i + 1, j), ""));
                i = j - 1;
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Splits like a POSIX shell: single quotes literal, double quotes expand {@code $VAR}. */
    static List<String> shellWords(String s, Map<String, String> vars) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'') {
                int end = s.indexOf('\'', i + 1);
                cur.append(s, i + 1, end);
                i = end;
                inWord = true;
            } else if (ch == '"') {
                int end = s.indexOf('"', i + 1);
                cur.append(expand(s.substring(i + 1, end), vars));
                i = end;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) out.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else if (ch == '$') {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                cur.append(vars.getOrDefault(s.substring(i + 1, j), ""));
                i = j - 1;
                inWord = true;
            } else {
                cur.append(ch);
                inWord = true;
            }
        }
        if (inWord) out.add(cur.toString());
        return out;
    }
}
