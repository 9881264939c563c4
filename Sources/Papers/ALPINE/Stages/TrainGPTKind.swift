import HDF5
import Layers
import NumericCore
import PathFinding
import PathFindingTransformer
import PipelineEngine
import StageSupport

/// Stage kind `alpine-train` (ALPINE.md §2): the GPT trained on the training lines with AdamW, warm-up and cosine
/// decay, in Float32. trained.h5: `final/NAME` and `checkpoints/STEP/NAME` (each parameter in its shape, nanoGPT's
/// names), `checkpoint_steps`, `train_loss` [steps] (mean cross-entropy of each batch over its non-PAD targets);
/// attributes vocabulary, block, width, layers, heads.
struct TrainGPTKind: DeclaresDatasets {
    let name = "alpine-train"
    let version = 5
    let datasets = ALPINEFiles.model("trained.h5", "checkpoints/<step>", "the model at the training step its group is named after")
        + ALPINEFiles.model("trained.h5", "final", "the trained model")
        + [DatasetDeclaration("trained.h5", "checkpoint_steps", ["checkpoint": "checkpoints"], "the steps stored under checkpoints/"),
           DatasetDeclaration("trained.h5", "train_loss", ["step": "steps"], "mean next-token cross-entropy of each training step's batch")]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "ALPINE §2: the 1-layer GPT (pre-LN, softmax attention, GELU MLP, tied embeddings) trained by AdamW"
    let parameters: [ParameterSpec] = [
        ParameterSpec("layers", .integer, default: .integer(1), help: "Transformer blocks", minimum: 1),
        ParameterSpec("heads", .integer, default: .integer(1), help: "attention heads (must divide width)", minimum: 1),
        ParameterSpec("width", .integer, default: .integer(120), help: "d, the embedding width", minimum: 1),
        ParameterSpec("block", .integer, default: .integer(0),
                      help: "positions (0 = the longest line minus one, the least that holds every line)", minimum: 0),
        ParameterSpec("steps", .integer, help: "optimisation steps (max_iters)", minimum: 1),
        ParameterSpec("batch_size", .integer, default: .integer(256), help: "lines per step, drawn with replacement",
                      minimum: 1),
        ParameterSpec("learning_rate", .number, default: .number(5e-4), help: "peak rate after warm-up (steps/20)",
                      minimum: 0),
        ParameterSpec("minimum_learning_rate", .number, default: .number(5e-5), help: "rate at the end of the cosine",
                      minimum: 0),
        ParameterSpec("weight_decay", .number, default: .number(0.1), help: "AdamW decay of Linear weights", minimum: 0),
        ParameterSpec("gradient_clip", .number, default: .number(1), help: "maximum global gradient norm", minimum: 0),
        ParameterSpec("checkpoints", .integer, default: .integer(10), help: "evenly spaced checkpoints kept", minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the initialisation (stream 0) and of the batches (stream 1)"),
    ]
    let inputs = [InputSlot("paths", help: "an alpine-paths stage")]

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let paths = try context.openHDF5("paths", "paths.h5")
        let lines = try ALPINEFiles.readLines(paths, "train")
        let n = try paths.intAttribute("nodes")
        let longest = try paths.intAttribute("longest_line")
        let block = p.integer("block") == 0 ? longest - 1 : p.integer("block")
        let width = p.integer("width"), heads = p.integer("heads"), layers = p.integer("layers")
        let steps = p.integer("steps"), batch = p.integer("batch_size")
        guard width % heads == 0 else { throw PipelineError("heads (\(heads)) must divide width (\(width))") }
        guard block >= longest - 1 else {
            throw PipelineError("block \(block) is shorter than the longest line (\(longest) tokens needs \(longest - 1))")
        }
        guard p.integer("checkpoints") <= steps else { throw PipelineError("checkpoints exceed steps") }
        let configuration = GPTConfiguration(vocabulary: n + 2, block: block, width: width, layers: layers, heads: heads)
        // Activations: about (12 + 4·heads·block/width) floats per row and width per layer, plus the logits.
        let rows = batch * block
        let bytes = 4 * rows * (layers * (14 * width + heads * block) + 4 * width + configuration.vocabulary)
        guard bytes < 8 << 30 else { throw PipelineError("batch \(batch) × block \(block) needs ≈ \(bytes >> 20) MiB of activations") }
        let model = GPT<Float>(configuration, capacity: rows, workers: 2)
        var initialisation = SeededGenerator.stream(seed: p.seed(), index: 0)
        model.initialise(seed: initialisation.next())
        var batches = SeededGenerator.stream(seed: p.seed(), index: 1)
        let settings = GPTTrainingSettings(steps: steps, batchSize: batch, learningRate: p.number("learning_rate"),
                                           minimumLearningRate: p.number("minimum_learning_rate"),
                                           weightDecay: p.number("weight_decay"), gradientClip: p.number("gradient_clip"),
                                           checkpoints: p.integer("checkpoints"),
                                           seed: batches.next())
        let file = try context.createHDF5("trained.h5", declared: datasets)
        for (attribute, value) in [("vocabulary", n + 2), ("block", block), ("width", width), ("layers", layers),
                                   ("heads", heads), ("nodes", n)] {
            try file.setAttribute(attribute, value)
        }
        var checkpointSteps: [Int64] = []
        let losses = try trainGPT(model, on: TrainingLines(lines: lines, block: block), settings: settings,
                                  checkpoint: { step in
                                      try ALPINEFiles.write(file, "checkpoints/\(step)", model: model)
                                      checkpointSteps.append(Int64(step))
                                  }, progress: { context.progress($0.step, of: $0.steps, $0.summary) })
        try ALPINEFiles.write(file, "final", model: model)
        try file.write("checkpoint_steps", checkpointSteps, shape: [checkpointSteps.count])
        let means = losses.map { (loss: LossValue) in loss.mean }
        try file.write("train_loss", means, shape: [means.count])
        let tail = means.suffix(max(1, steps / 20))
        try file.setAttribute("final_train_loss", tail.reduce(0, +) / Double(tail.count))
        try file.close()
    }
}
