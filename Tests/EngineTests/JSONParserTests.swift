import Testing
@testable import PipelineEngine

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesKeepingKeyOrderAndIntegers() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.5, -3e2, true, null], "a": {"x": "y\n\u00e9"}}"#)
        #expect(value.members?.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.integer(1), .number(2.5), .number(-300), .bool(true), .null]))
        #expect(value["a"]?["x"] == .string("y\né"))
    }

    @Test(arguments: [
        ("{\n  \"a\": 1,\n  \"b\": }", 3, 8),
        ("{\"a\": 1 \"b\": 2}", 1, 9),
        ("[1, 2", 1, 6),
        ("{\n\n   \"a\": tru }", 3, 9),
        ("{\"a\": 01}", 1, 8),
    ])
    func reportsLineAndColumnOfSyntaxErrors(text: String, line: Int, column: Int) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.position == SourcePosition(line: line, column: column)
        }
    }

    @Test func rejectsDuplicateKeys() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"a": 1, "a": 2}"#) }
    }

    @Test func canonicalEncodingSortsKeysAndNormalisesNumbers() throws {
        let value = try JSONParser.parse(#"{ "z": 1.50, "a": [1, 0.001, 1e-8], "m": "q\"\t" }"#)
        #expect(CanonicalJSON.encode(value) == #"{"a":[1,0.001,1e-08],"m":"q\"\t","z":1.5}"#)
    }

    @Test func stringsKeepEmbeddedNULCharacters() throws {
        let first = try JSONParser.parse(#"{"text": "a\u0000b"}"#)
        let second = try JSONParser.parse(#"{"text": "a\u0000c"}"#)
        #expect(first["text"] == .string("a\u{0}b"))
        #expect(CanonicalJSON.encode(first) != CanonicalJSON.encode(second))
    }
}
