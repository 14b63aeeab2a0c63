package dev.aigw.policy;

import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.Builtin;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RegexGuardTest {
    private final RegexGuard all = Policies.allBuiltins();

    @Test
    void masksEachBuiltinWithItsLabel() {
        assertThat(all.mask("card 4111 1111 1111 1111, ssn 123-45-6789, call (555) 123-4567 or +1 555.987.6543,"
                + " mail jane.doe+ai@example.co.uk."))
                .isEqualTo("card <CREDIT_CARD>, ssn <SSN>, call <PHONE_NUMBER> or <PHONE_NUMBER>, mail <EMAIL_ADDRESS>.");
        assertThat(all.mask("amex 378282246310005 and mc 5555-5555-5555-4444"))
                .isEqualTo("amex <CREDIT_CARD> and mc <CREDIT_CARD>");
    }

    @Test
    void longDigitRunsThatFailLuhnAreNotCards() {
        assertThat(RegexGuard.luhn("1234567812345678", 0, 16)).isFalse();
        assertThat(all.mask("order 1234567812345678 shipped")).isEqualTo("order 1234567812345678 shipped");
        assertThat(all.mask("tracking 4111 1111 1111 1112")).isEqualTo("tracking 4111 1111 1111 1112");
    }

    @Test
    void leavesNumbersThatAreNotPhonesOrSsnsAlone() {
        assertThat(all.mask("in 2024 we sold 1,234,567 units; version 1.2.3; ssn-like 000-12-3456"))
                .isEqualTo("in 2024 we sold 1,234,567 units; version 1.2.3; ssn-like 000-12-3456");
    }

    @Test
    void customPatternsUseTheirNameOrCustom() {
        RegexGuard g = Policies.guard(Action.MASK, List.of(), "PROJECT=Project [A-Z][a-z]+", "secret-\\d+");
        assertThat(g.mask("Project Falcon uses secret-42")).isEqualTo("<PROJECT> uses <CUSTOM>");
    }

    @Test
    void safeCutHoldsBackOnlyWhatAMatchCouldStillNeed() {
        StringBuilder sb = new StringBuilder("Your card is 4111 11");
        int cut = all.safeCut(sb, 0);
        assertThat(sb.substring(0, cut)).isEqualTo("Your card is ");
        sb = new StringBuilder("No digits at the end here. ");
        assertThat(all.safeCut(sb, 0)).isEqualTo(sb.length());
        // A finished match is released with what precedes it once the next character shows it is over.
        sb = new StringBuilder("ssn 123-45-6789 ok");
        // "ok" may still become an e-mail's local part: only that word waits.
        assertThat(sb.substring(0, all.safeCut(sb, 0))).isEqualTo("ssn 123-45-6789 ");
        RegexGuard noEmail = Policies.guard(Action.MASK, List.of(Builtin.SSN, Builtin.CREDIT_CARD, Builtin.PHONE_NUMBER));
        assertThat(noEmail.safeCut(sb, 0)).isEqualTo(sb.length());
        // Never holds more than the longest card (37 characters and one of look-ahead).
        sb = new StringBuilder("x" + " 1".repeat(100));
        assertThat(sb.length() - all.safeCut(sb, 0)).isLessThanOrEqualTo(RegexGuard.UNBOUNDED_HOLD);
        RegexGuard cards = Policies.guard(Action.MASK, List.of(Builtin.CREDIT_CARD));
        assertThat(sb.length() - cards.safeCut(sb, 0)).isLessThanOrEqualTo(38);
    }
}
