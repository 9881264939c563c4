import HDF5
import NumericCore
import PathFinding
import PathFindingTransformer
import PipelineEngine
import StageSupport

/// Stage kind `alpine-evaluate` (ALPINE.md §3): test prompts "s t" drawn uniformly with replacement, completed by
/// sampling at the given temperature over several rounds, judged by the validity rule; also one greedy round over the
/// same prompts (reported beside it, labelled). evaluation.h5: `prompt_pairs` [prompts], `valid` [rounds, prompts]
/// (0/1), `greedy_valid` [prompts], `degree_trials`, `degree_correct` [4] (classes 0, 1, 2, 3+); attributes
/// `accuracy`, `greedy_accuracy`, `trials`. With `checkpoint_rounds` > 0 the same prompts also judge every stored
/// checkpoint (accuracy over training, Figure 11 d): `checkpoint_steps`, `checkpoint_accuracy` [checkpoints].
struct EvaluateKind: DeclaresDatasets {
    let name = "alpine-evaluate"
    let version = 8
    let datasets = [
        DatasetDeclaration("evaluation.h5", "prompt_pairs", ["prompt": "prompts"], "index into the graph's test_pairs of each prompt \"s t\""),
        DatasetDeclaration("evaluation.h5", "valid", ["round": "rounds", "prompt": "prompts"],
                           "1 where the sampled completion is a valid path from s to t in the true graph"),
        DatasetDeclaration("evaluation.h5", "greedy_valid", ["prompt": "prompts"], "1 where the greedy completion is a valid path"),
        DatasetDeclaration("evaluation.h5", "degree_trials", ["degree class": "4"], "sampled completions per degree class 0, 1, 2, 3+ (ALPINE §4.1)"),
        DatasetDeclaration("evaluation.h5", "degree_correct", ["degree class": "4"], "valid sampled completions per degree class"),
        DatasetDeclaration("evaluation.h5", "checkpoint_steps", ["checkpoint": "checkpoints"],
                           "training step of each judged checkpoint (only with checkpoint_rounds > 0)"),
        DatasetDeclaration("evaluation.h5", "checkpoint_accuracy", ["checkpoint": "checkpoints"],
                           "sampled accuracy of each checkpoint over checkpoint_rounds rounds of the same prompts"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "ALPINE §3: sampled path completions of test prompts, accuracy overall and by degree class, and greedy"
    let parameters: [ParameterSpec] = [
        ParameterSpec("prompts", .integer, default: .integer(1000), help: "test prompts drawn with replacement", minimum: 1),
        ParameterSpec("rounds", .integer, default: .integer(10), help: "sampling rounds over the same prompts", minimum: 1),
        ParameterSpec("temperature", .number, default: .number(1), help: "sampling temperature", minimum: 1e-6),
        ParameterSpec("checkpoint_rounds", .integer, default: .integer(0),
                      help: "sampling rounds over the same prompts for each stored checkpoint (0: the final model only)",
                      minimum: 0),
        ParameterSpec("seed", .integer, help: "seed of the prompt draw (stream 0), of the sampling (stream 1) and of the checkpoints' sampling (stream 2)"),
    ]
    let inputs = [
        InputSlot("graph", help: "the alpine-graph stage (true edges)"),
        InputSlot("paths", help: "its alpine-paths stage (degree classes)"),
        InputSlot("trained", help: "an alpine-train stage on those paths"),
    ]

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let prompts = p.integer("prompts"), rounds = p.integer("rounds")
        guard prompts * rounds <= 10_000_000 else { throw PipelineError("prompts × rounds: at most 10^7") }
        let graphFile = try context.openHDF5("graph", "graph.h5")
        // Only the true edges are needed (and a Blocksworld graph is no DAG of the §1.1 order).
        let (adjacency, nodeCount) = try ALPINEFiles.readMatrix(graphFile, "adjacency")
        let testPairs = try ALPINEFiles.readPairs(graphFile, "test_pairs")
        guard !testPairs.isEmpty else { throw PipelineError("the graph has no test pairs") }
        let degrees = try context.openHDF5("paths", "paths.h5").readInts("test_degree").values.map(Int.init)
        let trained = try context.openHDF5("trained", "trained.h5")
        let block = try trained.intAttribute("block")
        let model = try ALPINEFiles.readModel(trained, "final", capacity: min(prompts, 1024) * block)
        var draw = SeededGenerator.stream(seed: p.seed(), index: 0)
        let chosen = (0..<prompts).map { _ in draw.nextIndex(below: testPairs.count) }
        let promptTokens = chosen.map { [PathLines.token(testPairs[$0].source), PathLines.token(testPairs[$0].target)] }
        let rule = PathValidity(nodeCount: nodeCount, adjacency: adjacency)
        func judge(_ completions: [[Int32]]) -> [Int64] {
            zip(completions, chosen).map { completion, index in
                rule.isValid(completion, source: testPairs[index].source, target: testPairs[index].target) ? 1 : 0
            }
        }
        var sampling = SeededGenerator.stream(seed: p.seed(), index: 1)
        var valid: [Int64] = []
        var degreeTrials = [Int64](repeating: 0, count: 4), degreeCorrect = degreeTrials
        for round in 0..<rounds {
            let outcome = judge(Completion.complete(model, prompts: promptTokens,
                                                    decoding: .sampled(temperature: p.number("temperature")),
                                                    generator: &sampling))
            for (k, index) in chosen.enumerated() {
                degreeTrials[degrees[index]] += 1
                degreeCorrect[degrees[index]] += outcome[k]
            }
            valid += outcome
            context.progress(round + 1, of: rounds + 1, "sampling round \(round + 1)")
        }
        var unused = SeededGenerator(seed: 0)
        let greedy = judge(Completion.complete(model, prompts: promptTokens, decoding: .greedy, generator: &unused))
        // Figure 11 (d): the same prompts on each checkpoint, sampled with a stream of their own.
        let checkpointRounds = p.integer("checkpoint_rounds")
        guard prompts * checkpointRounds <= 10_000_000 else { throw PipelineError("prompts × checkpoint_rounds: at most 10^7") }
        let steps = checkpointRounds == 0 ? [] : try trained.readInts("checkpoint_steps").values
        var checkpointSampling = SeededGenerator.stream(seed: p.seed(), index: 2)
        let checkpointAccuracy: [Double] = try steps.enumerated().map { k, step in
            let checkpoint = try ALPINEFiles.readModel(trained, "checkpoints/\(step)", capacity: min(prompts, 1024) * block)
            var correct: Int64 = 0
            for _ in 0..<checkpointRounds {
                correct += judge(Completion.complete(checkpoint, prompts: promptTokens,
                                                     decoding: .sampled(temperature: p.number("temperature")),
                                                     generator: &checkpointSampling)).reduce(0, +)
            }
            context.progress(k + 1, of: steps.count, "checkpoint \(step)")
            return Double(correct) / Double(prompts * checkpointRounds)
        }
        let file = try context.createHDF5("evaluation.h5", declared: datasets)
        try file.write("prompt_pairs", chosen.map(Int64.init), shape: [prompts])
        try file.write("valid", valid, shape: [rounds, prompts])
        try file.write("greedy_valid", greedy, shape: [prompts])
        try file.write("degree_trials", degreeTrials, shape: [4])
        try file.write("degree_correct", degreeCorrect, shape: [4])
        try file.setAttribute("accuracy", Double(valid.reduce(0, +)) / Double(valid.count))
        try file.setAttribute("greedy_accuracy", Double(greedy.reduce(0, +)) / Double(prompts))
        try file.setAttribute("trials", valid.count)
        // What a grid of evaluations is plotted against (Figure 3): the graph size and the model's shape.
        try file.setAttribute("nodes", nodeCount)
        try file.setAttribute("layers", try trained.intAttribute("layers"))
        try file.setAttribute("heads", try trained.intAttribute("heads"))
        if !steps.isEmpty {
            try file.write("checkpoint_steps", steps, shape: [steps.count])
            try file.write("checkpoint_accuracy", checkpointAccuracy, shape: [steps.count])
            try file.setAttribute("checkpoints", steps.count)
            try file.setAttribute("width", try trained.intAttribute("width"))
        }
        try file.close()
    }
}
