import Testing
@testable import PipelineEngine

/// Every mistake in a matrix, a family input or a profile's matrix is one precise message before anything runs.
@Suite struct SweepValidationTests {
    func message(_ stages: String, profiles: String = "", profile: String? = nil, overrides: [String] = []) -> String {
        let text = "{\(profiles.isEmpty ? "" : "\"profiles\": \(profiles), ")\"stages\": {\(stages)}}"
        return validationMessage(text, profile: profile, overrides: overrides) ?? "no error"
    }

    func expectMessage(_ found: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(found.contains(expected), "\(found)", sourceLocation: sourceLocation)
    }

    @Test func badMatrixValues() {
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": []}}"#),
                      "stage 't': matrix.text is an empty list; a dimension needs at least one value")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": "x"}}"#),
                      "stage 't': matrix.text must be a list of values, got a string")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": [1]}"#),
                      "stage 't': \"matrix\" must be an object of parameter → list of values")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {}}"#), "stage 't': \"matrix\" is empty")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"sleep_seconds": [0, "slow"]}}"#),
                      "stage 't': matrix.sleep_seconds[1] must be a number, got a string")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"sleep_seconds": [1, -1]}}"#),
                      "stage 't': matrix.sleep_seconds[1] must be at least 0.0, got -1.0")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"sleep_seconds": [1, 0.5, 1.0]}}"#),
                      "stage 't': matrix.sleep_seconds lists 1.0 twice (at [0] and [2])")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": ["a b"]}}"#),
                      "stage 't': matrix.text[0] renders as \"a b\", which a cell name cannot hold")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": ["x", ""]}}"#),
                      "stage 't': matrix.text[1] renders as \"\"")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": ["x[1]"]}}"#), "matrix.text[0] renders as \"x[1]\"")
        // The position of the mistake is named.
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": []}}"#), "(line 1, column")
    }

    @Test func matrixOverAnUnknownOrAlreadySetParameter() {
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"txt": ["x"]}}"#),
                      "stage 't': matrix: unknown parameter \"txt\" for kind test-echo — did you mean \"text\"?")
        expectMessage(message(#""t": {"kind": "test-echo", "params": {"text": "y"}, "matrix": {"text": ["x"]}}"#),
                      "stage 't': parameter \"text\" is both a matrix dimension and in \"params\"; a parameter takes its values from one place")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": ["x"]}}"#, overrides: ["t.text=y"]),
                      "stage 't': parameter \"text\" is both a matrix dimension and set by --set t.text=y")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": ["x"]}}"#, overrides: ["t[text=x].fail=true"]),
                      "--set t[text=x].fail=true: --set applies to a whole family: write FAMILY.PARAM=VALUE")
    }

    @Test func cellLimit() {
        let values = (0..<65).map(String.init).joined(separator: ", ")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"sleep_seconds": [\#(values)]}}"#),
                      "stage 't': its grid has 65 cells, more than the limit of 64; if that many are meant, add \"matrix_limit\": 65 to the stage")
        #expect(message(#""t": {"kind": "test-echo", "matrix": {"sleep_seconds": [\#(values)]}, "matrix_limit": 65}"#) == "no error")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"sleep_seconds": [\#(values)]}, "matrix_limit": 64}"#),
                      "its grid has 65 cells, more than the limit of 64")
        // Inherited cells count with the stage's own.
        expectMessage(message("""
            "a": {"kind": "test-echo", "matrix": {"text": ["p", "q", "r"]}},
            "b": {"kind": "test-echo", "inputs": {"a": "a"}, "matrix": {"sleep_seconds": [\(values)]}, "matrix_limit": 65}
            """), "stage 'b': its grid has 195 cells, more than the limit of 65")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix_limit": 3}"#), "stage 't': \"matrix_limit\" without a \"matrix\"")
        expectMessage(message(#""t": {"kind": "test-echo", "matrix": {"text": ["x"]}, "matrix_limit": 0}"#),
                      "stage 't': \"matrix_limit\" must be a positive integer")
    }

    @Test func familyInputMistakes() {
        let family = #""f": {"kind": "test-echo", "matrix": {"text": ["p", "q"]}}, "plain": {"kind": "test-echo"}, "#
        expectMessage(message(family + #""g": {"kind": "test-gather", "inputs": {"parts": "f"}}"#),
                      "stage 'g': input \"parts\" of kind test-gather takes a whole family: write \"parts\": \"FAMILY[*]\" ('f[*]')")
        expectMessage(message(family + #""g": {"kind": "test-gather", "inputs": {"parts": "plain[*]"}}"#),
                      "stage 'g': input \"parts\" takes the whole family 'plain[*]', but stage 'plain' is not a family")
        expectMessage(message(family + #""e": {"kind": "test-echo", "inputs": {"a": "f[*]"}}"#),
                      "stage 'e': input \"a\" of kind test-echo takes one stage, not a whole family ('f[*]')")
        expectMessage(message(family + #""e": {"kind": "test-echo", "inputs": {"a": "f[text=p]"}}"#),
                      "stage 'e': input \"a\" names 'f[text=p]'; an input names a stage, or a whole family as 'FAMILY[*]'")
        expectMessage(message(family + #""e": {"kind": "test-echo", "inputs": {"a": "nowhere[*]"}}"#),
                      "stage 'e': input \"a\" names unknown stage 'nowhere'")
        expectMessage(message(family + #""e": {"kind": "test-echo", "inputs": {"a": "f"}, "matrix": {"fail": [true, false], "text": ["z"]}}"#),
                      "stage 'e': matrix dimension \"text\" is also a dimension of family 'f', which stage 'e' inherits through input \"a\" (from 'f')")
        expectMessage(message(family + #""e": {"kind": "test-echo", "inputs": {"a": "f"}}, "d": {"kind": "test-echo", "inputs": {"a": "e"}, "matrix": {"text": ["z"]}}"#),
                      "stage 'd': matrix dimension \"text\" is also a dimension of family 'f', which stage 'd' inherits through input \"a\" (from 'e')")
        expectMessage(message("""
            "f": {"kind": "test-echo", "matrix": {"sleep_seconds": [1, 2]}},
            "h": {"kind": "test-echo", "matrix": {"sleep_seconds": [3]}},
            "j": {"kind": "test-echo", "inputs": {"a": "f", "b": "h"}}
            """), "stage 'j': its input families share the dimension(s) sleep_seconds but have no cell in common (input \"b\", family 'h')")
        expectMessage(message(#""g": {"kind": "test-gather"}"#), "stage 'g': missing input \"parts\"")
        expectMessage(message(family + #""e": {"kind": "test-echo", "inputs": {"a[text=p]": "f"}}"#),
                      "stage 'e': input slot name \"a[text=p]\" may not contain '[' or ']'")
        expectMessage(message(#""f": {"kind": "test-echo", "matrix": {"text": ["p"]}, "inputs": {"a": "g"}}, "g": {"kind": "test-echo", "inputs": {"a": "f"}}"#),
                      "the stages form a cycle: ")
    }

    @Test func cellsOfAFamilyCannotPublishTheSameFile() {
        expectMessage(message(#""t": {"kind": "test-echo", "params": {"publish": "f.txt"}, "matrix": {"text": ["p", "q"]}}"#),
                      "stages 't[text=p]' and 't[text=q]' both write the figure file figures/f.txt")
    }

    @Test func aProfilesMatrixIsValidatedLikeTheFilesEvenWhenNotSelected() {
        let stages = #""t": {"kind": "test-echo", "matrix": {"text": ["x", "y"]}}"#
        expectMessage(message(stages, profiles: #"{"paper": {}, "quick": {"t": {"matrix": {"txt": ["x"]}}}}"#),
                      "stage 't': matrix: unknown parameter \"txt\" for kind test-echo — did you mean \"text\"? (set by profile 'quick')")
        expectMessage(message(stages, profiles: #"{"paper": {}, "quick": {"t": {"matrix": {"text": []}}}}"#),
                      "stage 't': matrix.text is an empty list; a dimension needs at least one value (set by profile 'quick')")
        expectMessage(message(stages, profiles: #"{"paper": {}, "quick": {"t": {"text": "x"}}}"#),
                      "stage 't': parameter \"text\" is both a matrix dimension and set by profile 'quick'")
        expectMessage(message(stages, profiles: #"{"paper": {}, "quick": {"t[text=x]": {"fail": true}}}"#),
                      "profile 'quick': unknown stage 't[text=x]'")
        let many = (0..<70).map(String.init).joined(separator: ", ")
        expectMessage(message(stages, profiles: #"{"paper": {}, "grid": {"t": {"matrix": {"sleep_seconds": [\#(many)]}}}}"#),
                      "stage 't': its grid has 70 cells, more than the limit of 64 (matrix set by profile 'grid'); if that many are meant, "
                      + "add \"matrix_limit\": 70 to the stage or to its entry in profile 'grid'")
        expectMessage(message(stages, profiles: #"{"paper": {}, "quick": {"t": {"matrix_limit": "many"}}}"#),
                      "stage 't': \"matrix_limit\" must be a positive integer, got a string (set by profile 'quick')")
    }
}
