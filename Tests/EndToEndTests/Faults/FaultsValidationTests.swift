import Foundation
import Testing

/// One wrong pipeline.json and the message it must produce.
struct MalformedPipeline: CustomTestStringConvertible, Sendable {
    let text: String
    let message: String

    init(_ text: String, _ message: String) {
        self.text = text
        self.message = message
    }

    var testDescription: String { message }

    static let all: [MalformedPipeline] = [
        MalformedPipeline(#"{"#, #"JSON syntax error at line 1, column 2: expected a string key"#),
        MalformedPipeline(#"{"stages": "#, #"unexpected end of file, expected a value"#),
        MalformedPipeline(#"[]"#, #"the top level must be an object"#),
        MalformedPipeline(#""just a string""#, #"the top level must be an object"#),
        MalformedPipeline(#"{"stages": {}}"#, #""stages" must be a non-empty object"#),
        MalformedPipeline(#"{"stages": []}"#, #""stages" must be a non-empty object"#),
        MalformedPipeline(#"{"nostages": {}}"#, #"unknown top-level field "nostages""#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "no-such-kind"}}}"#, #"stage 'a': unknown kind "no-such-kind""#),
        MalformedPipeline(#"{"stages": {"a": {}}}"#, #"stage 'a': missing "kind""#),
        MalformedPipeline(#"{"stages": {"a": {"kind": 7}}}"#, #""kind" must be a string"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"txt": "x"}}}}"#, #"unknown parameter "txt" for kind test-echo — did you mean "text"?"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"sleep_seconds": "slow"}}}}"#, #"parameter "sleep_seconds" must be a number, got a string"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"sleep_seconds": -1}}}}"#, #"parameter "sleep_seconds" must be at least 0.0, got -1.0"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"fail": "yes"}}}}"#, #"parameter "fail" must be a boolean, got a string"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": []}}}"#, #""params" must be an object"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "inputs": {"a": "nobody"}}}}"#, #"input "a" names unknown stage 'nobody'"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "inputs": {"zz": "a"}}}}"#, #"unknown input "zz" for kind test-echo (its inputs: a, b)"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "inputs": {"a": "b"}}, "b": {"kind": "test-echo", "inputs": {"a": "a"}}}}"#, #"the stages form a cycle: a → b → a"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "inputs": {"a": "a"}}}}"#, #"the stages form a cycle: a → a"#),
        MalformedPipeline(#"{"stages": {"a b": {"kind": "test-echo"}}}"#, #"stage name "a b" may use only letters"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo"}, "a": {"kind": "test-echo"}}}"#, #"duplicate key "a""#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"publish": "../x.txt"}}}}"#, #"figure file name "../x.txt" must be a plain file name"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"publish": "manifest.json"}}}}"#, #"figure file name "manifest.json" must be a plain file name"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo", "params": {"publish": "f.txt"}}, "b": {"kind": "test-echo", "params": {"publish": "f.txt"}}}}"#, #"stages 'a' and 'b' both write the figure file"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo"}}, "colour": "blue"}"#, #"unknown top-level field "colour""#),
        MalformedPipeline(#"{"default_profile": "zzz", "profiles": {"paper": {}}, "stages": {"a": {"kind": "test-echo"}}}"#, #"default_profile: unknown profile 'zzz' (defined: paper)"#),
        MalformedPipeline(#"{"profiles": {"quick": {"nobody": {}}}, "stages": {"a": {"kind": "test-echo"}}}"#, #"profile 'quick': unknown stage 'nobody'"#),
        MalformedPipeline(#"{"profiles": {"quick": {"a": {"sleep_seconds": "slow"}}}, "stages": {"a": {"kind": "test-echo"}}}"#, #"(set by profile 'quick')"#),
        MalformedPipeline(#"{"profiles": {"quick": {"a": 3}}, "stages": {"a": {"kind": "test-echo"}}}"#, #"profile 'quick', stage 'a': overrides must be an object"#),
        MalformedPipeline(#"{"profiles": [], "stages": {"a": {"kind": "test-echo"}}}"#, #""profiles" must be an object of profiles by name"#),
        MalformedPipeline(#"{"store": 5, "stages": {"a": {"kind": "test-echo"}}}"#, #""store" must be a non-empty string"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "rotations", "dimension": 3, "steps": 5, "count": 4, "seed": 0}}}}"#, #"stage 's': rotations need an even dimension, got 3"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "so3", "dimension": 4, "steps": 5, "count": 4, "seed": 0}}}}"#, #"stage 's': so3 needs dimension 3, got 4"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 5, "steps": 50, "count": 1000000000000, "seed": 0}}}}"#, #"would need about 4.28e+06 GB of memory (estimated from its parameters)"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 5, "steps": 50, "count": 1e400, "seed": 0}}}}"#, #"number 1e400 is out of range"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "cubes", "dimension": 5, "steps": 50, "count": 4, "seed": 0}}}}"#, #"parameter "family" must be one of"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 5, "steps": 50, "count": 4.5, "seed": 0}}}}"#, #"parameter "count" must be an integer, got a number"#),
        MalformedPipeline(#"{"stages": {"s": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 0, "steps": 50, "count": 4, "seed": 0}}}}"#, #"parameter "dimension" must be at least 1, got 0"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo"}},}"#, #"column 41: expected a string key in object"#),
        MalformedPipeline(#"{"stages": {"a": {"kind": "test-echo"}}} trailing"#, #"unexpected text after the JSON value"#),
    ]
}

/// Class 3 of issue #11: everything wrong with pipeline.json or the command line is refused before anything runs:
/// exit 2, one message, and no data/ created.
@Suite struct FaultsValidationTests {
    @Test(arguments: MalformedPipeline.all)
    func aMalformedPipelineIsRefusedBeforeAnythingRuns(_ variant: MalformedPipeline) throws {
        let bed = try Testbed(variant.text)
        let outcome = try bed.icar("run")
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(outcome.error.hasPrefix("icar: error: pipeline.json: "), "\(outcome.error)")
        #expect(outcome.error.contains(variant.message), "\(outcome.error)")
        #expect(outcome.error.split(separator: "\n").count == 1, "one message: \(outcome.error)")
        #expect(!bed.hasStore, "data/ was created for a pipeline that cannot run")
    }

    static let badCommandLines: [([String], String)] = [
        (["run", "nosuch"], "no stage named 'nosuch' in the pipeline"),
        (["run", "b", "c", "bb"], "no stage named 'bb' in the pipeline — did you mean 'b'?"),
        (["run", "--jobs", "0"], "--jobs must be at least 1"),
        (["run", "--profile", "fast"], "unknown profile 'fast' (defined: paper, quick)"),
        (["run", "--pipeline", "missing.json"], "missing.json"),
        (["run", "--frobnicate"], "Unknown option '--frobnicate'"),
        (["status", "extra"], "no stage named 'extra' in the pipeline"),
        (["explode"], "Unexpected argument 'explode'"),
        (["show", "nosuch"], "no stage named 'nosuch'"),
    ]

    @Test(arguments: badCommandLines)
    func aBadCommandLineExitsTwoAndCreatesNoStore(_ arguments: [String], _ message: String) throws {
        let bed = try Testbed("""
            {"default_profile": "paper", "profiles": {"paper": {}, "quick": {"b": {"text": "b"}}},
             "stages": {"a": {"kind": "test-echo"}, "b": {"kind": "test-echo"}, "c": {"kind": "test-echo"}}}
            """)
        let outcome = try bed.icar(arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.status) \(outcome.error)")
        #expect(outcome.error.contains(message), "\(outcome.error)")
        #expect(!bed.hasStore, "data/ was created by \(arguments)")
    }

    @Test func aDefaultProfileNamingNoProfileIsAnErrorEvenWithProfileGiven() throws {
        let bed = try Testbed(#"{"default_profile": "papr", "profiles": {"paper": {}, "quick": {}}, "stages": {"a": {"kind": "test-echo"}}}"#)
        let outcome = try bed.icar("run", "--profile", "quick")
        #expect(outcome.status == 2)
        #expect(outcome.error.contains("default_profile: unknown profile 'papr' (defined: paper, quick)"), "\(outcome.error)")
        #expect(!bed.hasStore)
    }

    @Test func aCountTheMachineCannotHoldIsRefusedAtLoadWithItsEstimate() throws {
        // Before: passed validation and crashed with a backtrace after the stages before it had run.
        let bed = try Testbed("""
            {"stages": {"a": {"kind": "test-echo"},
             "s": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 5, "steps": 50, "count": 1000000000000, "seed": 0}}}}
            """)
        let outcome = try bed.icar("run")
        #expect(outcome.status == 2)
        #expect(outcome.error.contains("stage 's' would need about 4.28e+06 GB of memory"), "\(outcome.error)")
        #expect(outcome.error.contains("GB (MemTotal)"), "\(outcome.error)")
        #expect(!bed.hasStore, "stage a must not have run")
    }
}
