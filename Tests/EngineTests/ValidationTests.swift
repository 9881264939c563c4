import Testing
@testable import PipelineEngine

@Suite struct ValidationTests {
    @Test func acceptsAValidPipelineWithDefaultsAndProfile() throws {
        let text = """
        {"default_profile": "paper",
         "profiles": {"paper": {}, "quick": {"b": {"text": "small"}}},
         "stages": {"a": {"kind": "test-echo", "params": {"text": "x"}},
                    "b": {"kind": "test-echo", "params": {"text": "y", "sleep_seconds": 1}, "inputs": {"a": "a"}}}}
        """
        let paper = try load(text)
        #expect(paper.profile == "paper")
        #expect(paper.stage("b")?.parameters.string("text") == "y")
        #expect(paper.stage("b")?.parameters.values["sleep_seconds"] == .number(1))
        #expect(paper.stage("a")?.parameters.boolean("fail") == false)
        let quick = try load(text, profile: "quick")
        #expect(quick.stage("b")?.parameters.string("text") == "small")
        #expect(StageGraph(quick).topologicalOrder == ["a", "b"])
    }

    @Test func clusterResourcesAreReadAndCheckedOneByOne() throws {
        let pipeline = try load(#"{"stages": {"a": {"kind": "test-echo", "resources": {"cpus": 4, "time_minutes": 90}}}}"#)
        #expect(pipeline.stage("a")?.resources == ["cpus": 4, "time_minutes": 90])
        let unknown = validationMessage(#"{"stages": {"a": {"kind": "test-echo", "resources": {"gpus": 1}}}}"#)
        #expect(unknown?.contains("stage 'a': unknown resource \"gpus\" (known: cpus, memory_mb, time_minutes)") == true, "\(unknown ?? "nil")")
        for bad in ["0", "1.5", "\"4\"", "-2"] {
            let message = validationMessage(#"{"stages": {"a": {"kind": "test-echo", "resources": {"cpus": "# + bad + "}}}}")
            #expect(message?.contains("resources.cpus must be a whole number from 1 to 10000000") == true, "\(bad): \(message ?? "nil")")
        }
    }

    @Test func syntaxErrorNamesLineAndColumn() {
        let message = validationMessage("{\n \"stages\": {\n  \"a\": {\"kind\": \"test-echo\",}\n }\n}")
        #expect(message?.contains("JSON syntax error at line 3, column 29") == true, "\(message ?? "nil")")
    }

    @Test func unknownKind() {
        let message = validationMessage(#"{"stages": {"a": {"kind": "test-ecko"}}}"#)
        #expect(message?.contains("stage 'a': unknown kind \"test-ecko\" — did you mean \"test-echo\"?") == true, "\(message ?? "nil")")
    }

    @Test func unknownParameter() {
        let message = validationMessage(#"{"stages": {"a": {"kind": "test-echo", "params": {"txt": "x"}}}}"#)
        #expect(message?.contains("stage 'a': unknown parameter \"txt\"") == true, "\(message ?? "nil")")
        #expect(message?.contains("line 1") == true, "\(message ?? "nil")")
    }

    @Test func missingParameter() {
        var registry = StageRegistry()
        registry.register(RequiredParameterKind())
        #expect {
            try PipelineLoader(registry: registry).load(text: #"{"stages": {"a": {"kind": "needs-seed"}}}"#)
        } throws: { error in
            (error as? PipelineError)?.message.contains("stage 'a': missing parameter \"seed\"") == true
        }
    }

    @Test func mistypedParameter() {
        let message = validationMessage(#"{"stages": {"a": {"kind": "test-echo", "params": {"sleep_seconds": "long"}}}}"#)
        #expect(message?.contains("stage 'a': parameter \"sleep_seconds\" must be a number, got a string") == true, "\(message ?? "nil")")
    }

    @Test func mistypedParameterFromProfileSaysSo() {
        let message = validationMessage(#"{"profiles": {"p": {"a": {"fail": 1}}}, "stages": {"a": {"kind": "test-echo"}}}"#, profile: "p")
        #expect(message?.contains("parameter \"fail\" must be a boolean, got an integer (set by profile 'p')") == true, "\(message ?? "nil")")
    }

    @Test func unknownInputSlotAndUnknownStage() {
        let slot = validationMessage(#"{"stages": {"a": {"kind": "test-echo"}, "b": {"kind": "test-echo", "inputs": {"c": "a"}}}}"#)
        #expect(slot?.contains("stage 'b': unknown input \"c\"") == true, "\(slot ?? "nil")")
        let stage = validationMessage(#"{"stages": {"b": {"kind": "test-echo", "inputs": {"a": "nowhere"}}}}"#)
        #expect(stage?.contains("stage 'b': input \"a\" names unknown stage 'nowhere'") == true, "\(stage ?? "nil")")
    }

    @Test func cycleIsPrinted() {
        let message = validationMessage("""
        {"stages": {"a": {"kind": "test-echo", "inputs": {"a": "c"}},
                    "b": {"kind": "test-echo", "inputs": {"a": "a"}},
                    "c": {"kind": "test-echo", "inputs": {"a": "b"}}}}
        """)
        #expect(message?.contains("cycle: ") == true, "\(message ?? "nil")")
        let cycle = message?.components(separatedBy: "cycle: ").last ?? ""
        #expect(["a → b → c → a", "b → c → a → b", "c → a → b → c"].contains(cycle), "\(cycle)")
    }

    @Test func twoStagesWritingTheSameFigure() {
        let message = validationMessage("""
        {"stages": {"a": {"kind": "test-echo", "params": {"publish": "fig.txt"}},
                    "b": {"kind": "test-echo", "params": {"publish": "fig.txt"}}}}
        """)
        #expect(message?.contains("stages 'a' and 'b' both write the figure file figures/fig.txt") == true, "\(message ?? "nil")")
    }

    @Test func figureFileNamesMustStayInTheFiguresDirectory() {
        for name in ["../escaped.txt", "sub/dir.txt", ".hidden", "manifest.json"] {
            let message = validationMessage(#"{"stages": {"a": {"kind": "test-echo", "params": {"publish": "\#(name)"}}}}"#)
            #expect(message?.contains("stage 'a': figure file name \"\(name)\" must be a plain file name") == true, "\(message ?? "nil")")
        }
    }

    @Test func aMistakeInAProfileThatIsNotSelectedIsStillReported() {
        let message = validationMessage(#"{"default_profile": "paper", "profiles": {"paper": {}, "quick": {"a": {"sleep_seconds": "slow"}}}, "stages": {"a": {"kind": "test-echo"}}}"#)
        #expect(message?.contains("parameter \"sleep_seconds\" must be a number, got a string (set by profile 'quick')") == true, "\(message ?? "nil")")
        let unknownDefault = validationMessage(#"{"default_profile": "zzz", "stages": {"a": {"kind": "test-echo"}}}"#)
        #expect(unknownDefault?.contains("unknown profile 'zzz'") == true, "\(unknownDefault ?? "nil")")
    }

    @Test func unknownProfile() {
        let message = validationMessage(#"{"profiles": {"paper": {}}, "stages": {"a": {"kind": "test-echo"}}}"#, profile: "fast")
        #expect(message?.contains("unknown profile 'fast' (defined: paper)") == true, "\(message ?? "nil")")
    }
}

/// A kind with a required parameter, to test the "missing parameter" message.
struct RequiredParameterKind: StageKind {
    let name = "needs-seed"
    let version = 1
    let summary = "test"
    let parameters = [ParameterSpec("seed", .integer, help: "a seed")]
    func run(_ context: StageContext) throws {}
}
