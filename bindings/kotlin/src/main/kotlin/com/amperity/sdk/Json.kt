@file:JvmName("JsonValues")

package com.amperity.sdk

// Profile attributes (`Profile.attributes`) and the fields the SDK does not model (`extra`) come
// as JSON text per value (`"Ben"` with its quotes, `42`, `true`, `[1,2]`, `{"a":1}`): the typed
// accessors below read them without a JSON library in the jar. Java callers use the static
// methods of `JsonValues`: `JsonValues.string(profile.getAttributes(), "email")`.

/**
 * The JSON text of [key] as a string: `null` when the key is absent or the value is JSON
 * `null`; an [InvalidArgumentException] when the value is not a JSON string.
 */
fun Map<String, String>.string(key: String): String? = typed(key, "a string") { it as? String }

/**
 * The JSON text of [key] as a number (`Double`): `null` when absent or `null`; an
 * [InvalidArgumentException] when the value is not a JSON number.
 */
fun Map<String, String>.number(key: String): Double? = typed(key, "a number") { (it as? Number)?.toDouble() }

/**
 * The JSON text of [key] as a whole number (`Long`): `null` when absent or `null`; an
 * [InvalidArgumentException] when the value is not an integer that fits in a `Long`.
 */
fun Map<String, String>.long(key: String): Long? = typed(key, "a whole number") { it as? Long }

/** The JSON text of [key] as a boolean: `null` when absent or `null`; else as [string]. */
fun Map<String, String>.boolean(key: String): Boolean? = typed(key, "a boolean") { it as? Boolean }

/**
 * The JSON text of [key] as a list of plain values (see [parseJson]): `null` when absent or
 * `null`; an [InvalidArgumentException] when the value is not a JSON array.
 */
fun Map<String, String>.list(key: String): List<Any?>? = typed(key, "an array") { value ->
    (value as? List<*>)?.let { list -> list.map { it } }
}

/**
 * The JSON text of [key] as a map of plain values (see [parseJson]): `null` when absent or
 * `null`; an [InvalidArgumentException] when the value is not a JSON object.
 */
fun Map<String, String>.map(key: String): Map<String, Any?>? = typed(key, "an object") { value ->
    (value as? Map<*, *>)?.entries?.associate { (k, v) -> k as String to v }
}

/**
 * Parses JSON text into plain values: `null`, `Boolean`, `Long` (integers that fit) or `Double`,
 * `String`, `List<Any?>` and `Map<String, Any?>` (keys in document order). Invalid JSON (or
 * nesting deeper than 512) is an [InvalidArgumentException] saying where.
 */
fun parseJson(text: String): Any? = JsonParser(text).document()

private inline fun <T> Map<String, String>.typed(key: String, what: String, convert: (Any?) -> T?): T? {
    val text = this[key] ?: return null
    val value = parseJson(text)
    if (value == null) return null
    return convert(value) ?: throw invalidArgument("the value of $key is not $what: ${text.take(80)}")
}

/** A small recursive-descent JSON parser (RFC 8259), for the values above. */
private class JsonParser(private val text: String) {
    private var at = 0
    private var depth = 0

    fun document(): Any? {
        val value = value()
        skipSpace()
        if (at != text.length) fail("unexpected text after the value")
        return value
    }

    private fun fail(what: String): Nothing = throw invalidArgument("invalid JSON at offset $at: $what")

    private fun skipSpace() {
        while (at < text.length && text[at] in " \t\r\n") at++
    }

    private fun value(): Any? {
        skipSpace()
        if (at >= text.length) fail("a value is missing")
        return when (val c = text[at]) {
            '{' -> nested { obj() }
            '[' -> nested { array() }
            '"' -> string()
            't' -> word("true", true)
            'f' -> word("false", false)
            'n' -> word("null", null)
            else -> if (c == '-' || c in '0'..'9') number() else fail("unexpected '$c'")
        }
    }

    private inline fun <T> nested(parse: () -> T): T {
        if (++depth > 512) fail("nested deeper than 512")
        return parse().also { depth-- }
    }

    private fun word(word: String, value: Any?): Any? {
        if (!text.startsWith(word, at)) fail("expected $word")
        at += word.length
        return value
    }

    private fun obj(): Map<String, Any?> {
        at++ // {
        val out = LinkedHashMap<String, Any?>()
        skipSpace()
        if (at < text.length && text[at] == '}') return out.also { at++ }
        while (true) {
            skipSpace()
            if (at >= text.length || text[at] != '"') fail("expected a key")
            val key = string()
            skipSpace()
            if (at >= text.length || text[at] != ':') fail("expected ':'")
            at++
            out[key] = value()
            skipSpace()
            when (text.getOrNull(at)) {
                ',' -> at++
                '}' -> return out.also { at++ }
                else -> fail("expected ',' or '}'")
            }
        }
    }

    private fun array(): List<Any?> {
        at++ // [
        val out = ArrayList<Any?>()
        skipSpace()
        if (at < text.length && text[at] == ']') return out.also { at++ }
        while (true) {
            out.add(value())
            skipSpace()
            when (text.getOrNull(at)) {
                ',' -> at++
                ']' -> return out.also { at++ }
                else -> fail("expected ',' or ']'")
            }
        }
    }

    private fun string(): String {
        at++ // "
        val out = StringBuilder()
        while (true) {
            if (at >= text.length) fail("unterminated string")
            val c = text[at++]
            when {
                c == '"' -> return out.toString()
                c == '\\' -> {
                    if (at >= text.length) fail("unterminated escape")
                    when (val e = text[at++]) {
                        '"', '\\', '/' -> out.append(e)
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000C')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            if (at + 4 > text.length) fail("short \\u escape")
                            val code = text.substring(at, at + 4).toIntOrNull(16) ?: fail("bad \\u escape")
                            out.append(code.toChar())
                            at += 4
                        }
                        else -> fail("bad escape '\\$e'")
                    }
                }
                c < ' ' -> fail("control character in a string")
                else -> out.append(c)
            }
        }
    }

    private fun number(): Any {
        val start = at
        if (text[at] == '-') at++
        val digits = at
        while (at < text.length && text[at] in '0'..'9') at++
        if (at == digits || (text[digits] == '0' && at - digits > 1)) fail("bad number")
        var integral = true
        if (at < text.length && text[at] == '.') {
            integral = false
            at++
            val fraction = at
            while (at < text.length && text[at] in '0'..'9') at++
            if (at == fraction) fail("bad number")
        }
        if (at < text.length && (text[at] == 'e' || text[at] == 'E')) {
            integral = false
            at++
            if (at < text.length && (text[at] == '+' || text[at] == '-')) at++
            val exponent = at
            while (at < text.length && text[at] in '0'..'9') at++
            if (at == exponent) fail("bad number")
        }
        val literal = text.substring(start, at)
        return (if (integral) literal.toLongOrNull() else null) ?: literal.toDouble()
    }
}
