package dev.aigw.policy;

import dev.aigw.config.TrafficPolicyResource.Action;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RegexLiteralsTest {

    @Test
    void patternsOfWordsYieldTheirWords() {
        assertThat(RegexLiterals.of("(?i)\\bpassword\\b").words()).containsExactly("password");
        assertThat(RegexLiterals.of("secret|Token").words()).containsExactly("secret", "Token");
        assertThat(RegexLiterals.of("(?i)\\b(?:API key|access\\-token)s\\b").words())
                .containsExactly("api keys", "access-tokens");
        assertThat(RegexLiterals.of("x(a|b)y|z").words()).containsExactly("xay", "xby", "z");
    }

    @Test
    void anyOtherShapeGetsNoTest() {
        for (String p : List.of("secret-\\d+", "Project [A-Z][a-z]+", "pass.word", "a*", "(?s)x", "(|)", "", "(?i)",
                "\\bfoo(?i)bar", "(a)(b)", "((a|b)c)", "(a\\)|b)", "(?i)straße", "x|", "a{2}", "^x$")) {
            assertThat(RegexLiterals.of(p)).as(p).isNull();
        }
    }

    @Test
    void caseFoldsAsRe2DoesSoNoMatchIsMissed() {
        // Every BMP character RE2 matches with (?i)[a-z] folds to that letter here, and no other does.
        com.google.re2j.Pattern letters = com.google.re2j.Pattern.compile("(?i)[a-z]");
        for (char c = 0; c < 0xFFFF; c++) {
            if (Character.isSurrogate(c)) continue;
            String s = String.valueOf(c);
            if (!letters.matcher(s).matches()) continue;
            RegexLiterals w = RegexLiterals.of("(?i)" + lower(c));
            assertThat(w).as("U+%04X", (int) c).isNotNull();
            assertThat(w.mayMatch(s, 0, 1)).as("U+%04X", (int) c).isTrue();
        }
        // The Kelvin sign is a k to RE2 (though not a word character for \b).
        assertThat(com.google.re2j.Pattern.compile("(?i)key").matcher("\u212AEY").find()).isTrue();
        assertThat(RegexLiterals.of("(?i)key").mayMatch("\u212AEY", 0, 3)).isTrue();
    }

    private static char lower(char c) {
        if (c == '\u017f') return 's';
        if (c == '\u212a') return 'k';
        return Character.toLowerCase(c);
    }

    @Test
    void theGuardFindsWhatRe2AloneFinds() {
        String[] patterns = {"(?i)\\bpassword\\b", "secret|token", "(?i)\\b(api key|pa\\$\\$word)\\b"};
        String[] texts = {"my password is x", "PassWord: x", "pa\u017f\u017fword", "no match here", "a secret", "TOKEN",
                "my api KEY", "pa$$word!", "passwords", "xpassword", ""};
        for (String p : patterns) {
            RegexGuard g = Policies.guard(Action.REJECT, List.of(), p);
            com.google.re2j.Pattern re2 = com.google.re2j.Pattern.compile(p);
            for (String t : texts) {
                assertThat(g.firstMatch(t).isPresent()).as(p + " on " + t).isEqualTo(re2.matcher(t).find());
            }
        }
    }
}
