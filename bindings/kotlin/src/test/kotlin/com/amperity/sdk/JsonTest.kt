package com.amperity.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Typed accessors over the JSON text of profile attributes and `extra` fields (issue 29). */
class JsonTest {
    @Test
    fun `profile attributes read as typed values`() {
        MockServer().use { mock ->
            mock.client().use { client ->
                val profile = client.profiles.list("idx-3kPq7Zt2c", conditions = mapOf("email" to "a+b@x.com")).first()
                val attributes = profile.attributes
                assertEquals("\"a+b@x.com\"", attributes["email"]) // the JSON text
                assertEquals("a+b@x.com", attributes.string("email"))
                assertTrue(attributes.number("lifetime_value")!! >= 0.0)
                assertTrue(attributes.boolean("opted_in") is Boolean)
                assertNull(attributes.string("no_such_attribute"))
                val wrong = assertThrows<InvalidArgumentException> { attributes.number("email") }
                assertEquals("invalid argument: the value of email is not a number: \"a+b@x.com\"", wrong.message)
            }
        }
    }

    @Test
    fun `every JSON type and the Java-visible names`() {
        val values = mapOf(
            "s" to "\"caf\\u00e9 \\\"q\\\" \\n\"",
            "n" to "-12.5e1",
            "i" to "9007199254740993",
            "b" to "false",
            "z" to "null",
            "l" to "[1, \"two\", [3], {\"four\": 4}, null, true]",
            "m" to "{\"a\": {\"b\": [1.5]}, \"c\": \"d\"}",
        )
        assertEquals("café \"q\" \n", values.string("s"))
        assertEquals(-125.0, values.number("n"))
        assertEquals(9007199254740993L, values.long("i"))
        assertEquals(false, values.boolean("b"))
        assertNull(values.string("z"))
        assertNull(values.map("z"))
        assertEquals(listOf(1L, "two", listOf(3L), mapOf("four" to 4L), null, true), values.list("l"))
        assertEquals(mapOf("a" to mapOf("b" to listOf(1.5)), "c" to "d"), values.map("m"))
        assertThrows<InvalidArgumentException> { values.long("n") }
        assertThrows<InvalidArgumentException> { values.list("m") }
        // Java callers: JsonValues.string(map, key), JsonValues.parseJson(text).
        val java = Class.forName("com.amperity.sdk.JsonValues")
        assertEquals("d", java.getMethod("parseJson", String::class.java).invoke(null, "\"d\""))
    }

    @Test
    fun `invalid JSON is a typed error saying where`() {
        for (bad in listOf("", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "\"abc", "\"\\x\"", "1 2", "-", "\"\u0001\"")) {
            val error = assertThrows<InvalidArgumentException>(bad) { parseJson(bad) }
            assertTrue(error.message!!.startsWith("invalid argument: invalid JSON at offset "), error.message)
        }
        val deep = "[".repeat(600) + "]".repeat(600)
        assertThrows<InvalidArgumentException> { parseJson(deep) }
        assertEquals(listOf<Any?>(), parseJson(" [ ] "))
        assertEquals(mapOf<String, Any?>(), parseJson("{}"))
    }
}
