import Foundation
import Testing
@testable import PipelineEngine

/// Families: a stage's `matrix` expands into cells, which feed per-cell stages and aggregates.
@Suite struct SweepTests {
    /// Two families, x (text) and y (sleep_seconds); w is x per cell times its own sleep_seconds; v joins w and y on
    /// sleep_seconds; g gathers v whole.
    let grid = """
    {"stages": {
      "x": {"kind": "test-echo", "matrix": {"text": ["p", "q"]}},
      "w": {"kind": "test-echo", "params": {"text": "W"}, "inputs": {"a": "x"}, "matrix": {"sleep_seconds": [0, 0.5]}},
      "y": {"kind": "test-echo", "matrix": {"sleep_seconds": [0.5, 0, 2]}},
      "v": {"kind": "test-echo", "inputs": {"a": "w", "b": "y"}},
      "z": {"kind": "test-echo", "params": {"text": "Z"}},
      "g": {"kind": "test-gather", "inputs": {"parts": "v[*]", "extra": "z"}, "params": {"label": "all"}}
    }}
    """

    /// The key of `stage` with made-up content hashes for its inputs (the hash of each input's stage name).
    func key(_ stage: ResolvedStage?) -> String? {
        guard let stage else { return nil }
        let hashes = Dictionary(uniqueKeysWithValues: stage.inputs.values.map { ($0, SHA256Hasher.hex(of: $0)) })
        return StagePlanner.ingredients(of: stage, inputHashes: hashes)?.key
    }

    @Test func aMatrixExpandsIntoNamedCellsInGridOrder() throws {
        let pipeline = try load("""
        {"stages": {"t": {"kind": "test-echo", "params": {"fail_message": "m"},
                          "matrix": {"text": ["x", "y"], "sleep_seconds": [0, 0.001, 1e-8]}}}}
        """)
        #expect(pipeline.stages.map(\.name) == [
            "t[text=x,sleep_seconds=0.0]", "t[text=x,sleep_seconds=0.001]", "t[text=x,sleep_seconds=1e-08]",
            "t[text=y,sleep_seconds=0.0]", "t[text=y,sleep_seconds=0.001]", "t[text=y,sleep_seconds=1e-08]",
        ])
        let cell = try #require(pipeline.stage("t[text=y,sleep_seconds=0.001]"))
        #expect(cell.family == "t")
        #expect(cell.cell == [CellCoordinate(name: "text", value: .string("y")),
                              CellCoordinate(name: "sleep_seconds", value: .number(0.001))])
        #expect(cell.parameters.string("text") == "y")
        #expect(cell.parameters.number("sleep_seconds") == 0.001)
        #expect(cell.parameters.string("fail_message") == "m")
        #expect(pipeline.families == ["t"])
        #expect(pipeline.cells(of: "t").count == 6)
        #expect(pipeline.stages.allSatisfy { StageCell.isValidGeneratedName($0.name) })
        #expect(!PipelineLoader.isValidStageName("t[text=x]"))
    }

    /// Readers of manifests (the report) recover a cell's family and coordinates from its recorded name.
    @Test func aGeneratedNameSplitsBackIntoItsFamilyAndCell() {
        let cell = [CellCoordinate(name: "layers", value: .integer(2)), CellCoordinate(name: "lr", value: .number(1e-3))]
        let name = StageCell.name(family: "alpine-train", cell: cell)
        let parts = StageCell.parts(of: name)
        #expect(parts?.family == "alpine-train" && parts?.cell == cell.map(\.text).joined(separator: ","), "\(name)")
        #expect(StageCell.parts(of: "fig5-train-1layer") == nil)
        #expect(StageCell.parts(of: "x[]") == nil && StageCell.parts(of: "x[a]") == nil)
    }

    @Test func aCellHasTheKeyOfThePlainStageWithItsParameters() throws {
        let family = try load(#"{"stages": {"t": {"kind": "test-echo", "matrix": {"text": ["x", "y"], "sleep_seconds": [1, 2]}}}}"#)
        let plain = try load(#"{"stages": {"t": {"kind": "test-echo", "params": {"text": "y", "sleep_seconds": 2.0}}}}"#)
        #expect(key(family.stage("t[text=y,sleep_seconds=2.0]")) == key(plain.stage("t")))
        #expect(key(family.stage("t[text=x,sleep_seconds=2.0]")) != key(plain.stage("t")))
    }

    @Test func growingAGridKeepsTheKeysOfTheCellsItHad() throws {
        func pipeline(_ texts: String) throws -> Pipeline {
            try load("""
            {"stages": {"a": {"kind": "test-echo", "matrix": {"text": [\(texts)]}},
                        "b": {"kind": "test-echo", "inputs": {"a": "a"}}}}
            """)
        }
        let small = try pipeline(#""x", "y""#), grown = try pipeline(#""x", "y", "z""#)
        #expect(grown.stages.count == 6)
        for stage in small.stages {
            #expect(key(stage) != nil)
            #expect(key(grown.stage(stage.name)) == key(stage), "\(stage.name)")
        }
        #expect(Set(small.stages.compactMap(key)).count == 4)
    }

    @Test func perCellStagesInheritTheDimensionsAndJoinOnSharedOnes() throws {
        let pipeline = try load(grid)
        #expect(pipeline.cells(of: "w").map(\.name) == [
            "w[text=p,sleep_seconds=0.0]", "w[text=p,sleep_seconds=0.5]",
            "w[text=q,sleep_seconds=0.0]", "w[text=q,sleep_seconds=0.5]",
        ])
        #expect(pipeline.stage("w[text=q,sleep_seconds=0.5]")?.inputs == ["a": "x[text=q]"])
        // The inherited text is a label; w's own text parameter is its own.
        #expect(pipeline.stage("w[text=q,sleep_seconds=0.5]")?.parameters.string("text") == "W")
        // v: w's cells whose sleep_seconds y also has (y's 2 has no partner in w).
        #expect(pipeline.cells(of: "v").map(\.name) == [
            "v[text=p,sleep_seconds=0.0]", "v[text=p,sleep_seconds=0.5]",
            "v[text=q,sleep_seconds=0.0]", "v[text=q,sleep_seconds=0.5]",
        ])
        #expect(pipeline.stage("v[text=q,sleep_seconds=0.0]")?.inputs == ["a": "w[text=q,sleep_seconds=0.0]",
                                                                         "b": "y[sleep_seconds=0.0]"])
        #expect(pipeline.stage("v[text=p,sleep_seconds=0.5]")?.inputs == ["a": "w[text=p,sleep_seconds=0.5]",
                                                                         "b": "y[sleep_seconds=0.5]"])
        #expect(pipeline.stage("v[text=p,sleep_seconds=0.5]")?.parameters.number("sleep_seconds") == 0)
        // Cells of one stage with the same parameters differ by their inputs' keys.
        #expect(Set(pipeline.cells(of: "v").compactMap(key)).count == 4)
        let order = StageGraph(pipeline).topologicalOrder
        for stage in pipeline.stages {
            for source in stage.inputs.values {
                #expect(order.firstIndex(of: source)! < order.firstIndex(of: stage.name)!)
            }
        }
    }

    @Test func anOwnMatrixMultipliesTheInheritedCells() throws {
        let pipeline = try load("""
        {"stages": {"x": {"kind": "test-echo", "matrix": {"text": ["p", "q"]}},
                    "r": {"kind": "test-echo", "inputs": {"b": "x"}, "matrix": {"fail_message": ["m1", "m2", "m3"]}}}}
        """)
        #expect(pipeline.cells(of: "r").count == 6)
        #expect(pipeline.stages.last?.name == "r[text=q,fail_message=m3]")
        #expect(pipeline.stage("r[text=p,fail_message=m2]")?.inputs == ["b": "x[text=p]"])
        #expect(pipeline.stage("r[text=p,fail_message=m2]")?.parameters.string("fail_message") == "m2")
    }

    @Test func anAggregateTakesEveryCellUnderItsOwnSlotName() throws {
        let pipeline = try load(grid)
        let gather = try #require(pipeline.stage("g"))
        #expect(gather.family == nil)
        var expected = ["extra": "z"]
        for cell in pipeline.cells(of: "v") { expected["parts[" + cell.name.dropFirst(2)] = cell.name }
        #expect(gather.inputs == expected)
        #expect(gather.inputs["parts[text=q,sleep_seconds=0.5]"] == "v[text=q,sleep_seconds=0.5]")
    }

    @Test func familyInputsListTheCellsInGridOrderWithTheirCoordinates() throws {
        let pipeline = try load(grid)
        let cells = pipeline.cells(of: "v")
        var inputs: [String: StageInputLocation] = ["extra": StageInputLocation(stage: "z", key: "k", contentHash: "h", directory: "/d")]
        // Handed over in reverse, as a dictionary would in any order.
        for (index, cell) in cells.enumerated().reversed() {
            var location = StageInputLocation(stage: cell.name, key: "k\(index)", contentHash: "h", directory: "/d\(index)")
            location.cell = cell.cell
            location.cellIndex = index
            inputs[StageCell.name(family: "parts", cell: cell.cell)] = location
        }
        let context = StageContext(stageName: "g", kindName: "test-gather", kindVersion: 1, key: "k", parameters: StageParameters([:]),
                                   inputs: inputs, outputDirectory: "/tmp", progress: { _ in })
        let listed = context.familyInputs("parts")
        #expect(listed.map(\.slot) == cells.map { "parts[" + $0.name.dropFirst(2) })
        #expect(listed[1]["text"] == .string("p"))
        #expect(listed[1]["sleep_seconds"] == .number(0.5))
        #expect(listed[1].cell.map(\.name) == ["text", "sleep_seconds"])
        #expect(context.familyInputs("extra").isEmpty)

        // A cell's coordinates survive the job file.
        let data = try JSONEncoder().encode(inputs)
        let decoded = try JSONDecoder().decode([String: StageInputLocation].self, from: data)
        #expect(decoded["parts[text=q,sleep_seconds=0.0]"]?.cell == cells[2].cell)
        #expect(decoded["extra"]?.cell == nil)
    }

    @Test func selectionBySliceCellAndFamily() throws {
        let pipeline = try load(grid)
        func select(_ selector: String) throws -> [String] { try StageSelection.stages([selector], in: pipeline) }
        #expect(try select("w[text=p,*]") == ["w[text=p,sleep_seconds=0.0]", "w[text=p,sleep_seconds=0.5]"])
        #expect(try select("w[sleep_seconds=5e-1,*]") == ["w[text=p,sleep_seconds=0.5]", "w[text=q,sleep_seconds=0.5]"])
        #expect(try select("w[*,sleep_seconds=0]") == ["w[text=p,sleep_seconds=0.0]", "w[text=q,sleep_seconds=0.0]"])
        #expect(try select("w[sleep_seconds=0.5,text=q]") == ["w[text=q,sleep_seconds=0.5]"])
        #expect(try select("w[text=q,sleep_seconds=0.5]") == ["w[text=q,sleep_seconds=0.5]"])
        #expect(try select("w[*]").count == 4)
        #expect(try select("w") == (try select("w[*]")))
        #expect(try select("g") == ["g"])
        #expect(try StageSelection.stages(["x", "x[text=p]"], in: pipeline) == ["x[text=p]", "x[text=q]"])

        func message(_ selector: String) -> String {
            do { _ = try select(selector); return "no error" } catch { return (error as? PipelineError)?.message ?? "\(error)" }
        }
        #expect(message("w[sleep_seconds=3,*]") == "'w[sleep_seconds=3,*]' matches no cell (family 'w' has 4 cells over "
            + "text ∈ {p, q}, sleep_seconds ∈ {0.0, 0.5})")
        #expect(message("w[nodes=3,*]").hasPrefix("'w[nodes=3,*]': family 'w' has no dimension \"nodes\""))
        #expect(message("w[text=p]").hasPrefix("'w[text=p]' does not give sleep_seconds; add ',*'"))
        #expect(message("g[*]") == "'g[*]': stage 'g' is not a family (it has no matrix and no family input)")
        #expect(message("ww") == "no stage named 'ww' in the pipeline — did you mean 'w'?")
        #expect(message("w[text]").hasPrefix("'w[text]': expected NAME=VALUE or '*'"))
    }

    @Test func runSelectionTakesSlicesAndTheirInputs() throws {
        let pipeline = try load(grid)
        var options = RunOptions()
        options.targets = ["v[text=q,*]"]
        let (stages, _) = try RunScheduler.selection(pipeline, options)
        #expect(stages == ["v[text=q,sleep_seconds=0.0]", "v[text=q,sleep_seconds=0.5]", "w[text=q,sleep_seconds=0.0]",
                           "w[text=q,sleep_seconds=0.5]", "x[text=q]", "y[sleep_seconds=0.0]", "y[sleep_seconds=0.5]"])
    }

    @Test func aProfileReplacesTheMatrixAndSetAppliesToEveryCell() throws {
        let text = """
        {"default_profile": "paper",
         "profiles": {"paper": {}, "quick": {"t": {"matrix": {"text": ["x"]}, "fail_message": "quick"}},
                      "big": {"t": {"matrix": {"sleep_seconds": [0, 1, 2, 3, 4, 5, 6, 7, 8]}, "matrix_limit": 9}}},
         "stages": {"t": {"kind": "test-echo", "matrix": {"text": ["x", "y", "z"]}},
                    "u": {"kind": "test-echo", "inputs": {"a": "t"}}}}
        """
        #expect(try load(text).stages.count == 6)
        let quick = try load(text, profile: "quick")
        #expect(quick.stages.map(\.name) == ["t[text=x]", "u[text=x]"])
        #expect(quick.stage("t[text=x]")?.parameters.string("fail_message") == "quick")
        #expect(try load(text, profile: "big").cells(of: "u").count == 9)
        let set = try load(text, overrides: ["t.fail_message=everywhere"])
        #expect(set.cells(of: "t").allSatisfy { $0.parameters.string("fail_message") == "everywhere" })
        #expect(set.cells(of: "t").count == 3)
    }
}
