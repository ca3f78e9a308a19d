package io.physalia.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemberTextTest {
    @Test
    void textRoundTripsAndTheNameIsEverythingBeforeTheLastAt() {
        Member m = new Member(new NodeId("pod@x"), 12);
        assertEquals("pod@x@12", m.text());
        assertEquals(m, Member.parse(m.text()));
    }

    @Test
    void malformedTextIsRefusedWithWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Member.parse("n1")).getMessage().contains("node@incarnation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Member.parse("@3")).getMessage().contains("node@incarnation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Member.parse("n1@-1")).getMessage().contains("non-negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Member.parse("n1@x")).getMessage().contains("non-negative"));
    }
}
