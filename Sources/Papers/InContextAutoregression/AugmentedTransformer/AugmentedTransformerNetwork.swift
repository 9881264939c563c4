/// The augmented-token linear Transformer of PAPER.md §5 with its preallocated workspace:
///   per layer   x ← x + LN(Attn(x)),   Attn_t = W_O Σ_{k≤t} ((W_Q x_t + b_Q)·(W_K x_k + b_K)/√D)(W_V x_k + b_V) + b_O,
///   then        out = W_F x + b_F,     loss = mean over batch, positions and the first d coordinates of
///               (out_{t, 0..<d} − s_{t+1})².
///
/// Every projection runs as one gemm over the batch's (sequence · position) rows; the attention runs as two gemms per
/// sequence (see `CausalLinearAttention`). All buffers are allocated once for `capacity` sequences; a batch may be
/// smaller. The per-sequence and per-row work is split over `workerCount` threads (contiguous blocks of sequences);
/// every reduction across rows is a BLAS product or a fixed-order sum, so results do not depend on `workerCount`.
/// Not thread-safe itself: one network per caller.
///
/// Only the first d outputs enter the loss, so the final Linear is applied through its first d rows only; the other
/// rows of W_F and b_F keep their values and get a zero gradient (as in the reference, where they are unused).
public final class AugmentedTransformerNetwork<Scalar: TransformerScalar> {
    public let layerCount: Int
    public let dimension: Int
    /// Positions per sequence T = n (tokens s_0 … s_n).
    public let positions: Int
    /// Largest number of sequences in one batch.
    public let capacity: Int
    /// Threads used for the per-sequence attention and the per-row loops.
    public let workerCount: Int
    let width: Int

    // Parameters and gradient, staged in one flat buffer each (layout in `ParameterLayout`).
    let layout: ParameterLayout
    let staged: Buffer<Scalar>
    let stagedGradient: Buffer<Scalar>

    // Forward activations, kept for the backward pass.
    let layerInputs: [Buffer<Scalar>]          // L + 1 of [rows, D]; layerInputs[0] = augmented tokens
    let projections: [Buffer<Scalar>]          // L of [rows, 3D]: Q | K | V
    let transposedKeysValues: [Buffer<Scalar>] // L of [2D, rows]: Kᵀ over Vᵀ, feature-major
    let scores: [Buffer<Scalar>]               // L of [capacity, T, T]: S = tril(Q Kᵀ)/√D
    let heads: [Buffer<Scalar>]                // L of [rows, D]: S V
    let normalised: [Buffer<Scalar>]           // L of [rows, D]: Â
    let inverseDeviations: [Buffer<Scalar>]    // L of [rows]
    let outputs: Buffer<Scalar>                // [rows, d]: the first d outputs
    let sequenceLosses: Buffer<Double>          // [capacity], summed in order
    let targets: Buffer<Scalar>                // [rows, d]

    // Backward scratch.
    let streamGradient: Buffer<Scalar>         // ∂L/∂x along the residual stream, [rows, D]
    let attentionGradient: Buffer<Scalar>      // ∂L/∂A, [rows, D]
    let outputGradient: Buffer<Scalar>         // ∂L/∂out, [rows, d]
    let gradientTimesNormalised: Buffer<Scalar> // G ⊙ Â, [rows, D]
    let headGradient: Buffer<Scalar>           // ∂L/∂H, [rows, D]
    let projectionGradient: Buffer<Scalar>     // ∂L/∂(Q|K|V), [rows, 3D]
    let scoreGradients: [Buffer<Scalar>]       // ∂L/∂S of one sequence, [T, T], one per worker
    let ones: Buffer<Scalar>                   // [rows], for column sums as products

    /// Sequences currently loaded (set by `load`).
    public private(set) var loadedCount = 0

    public init(layerCount: Int, dimension: Int, positions: Int, capacity: Int, workerCount: Int = 1) {
        precondition(layerCount >= 1 && dimension >= 1 && positions >= 1 && capacity >= 1 && workerCount >= 1,
                     "AugmentedTransformerNetwork: bad sizes")
        self.workerCount = workerCount
        self.layerCount = layerCount
        self.dimension = dimension
        self.positions = positions
        self.capacity = capacity
        width = 3 * dimension
        layout = ParameterLayout(layerCount: layerCount, width: width)
        staged = Buffer(layout.totalCount)
        stagedGradient = Buffer(layout.totalCount)
        let rows = capacity * positions
        layerInputs = (0...layerCount).map { _ in Buffer(rows * 3 * dimension) }
        projections = (0..<layerCount).map { _ in Buffer(rows * 9 * dimension) }
        transposedKeysValues = (0..<layerCount).map { _ in Buffer(rows * 6 * dimension) }
        scores = (0..<layerCount).map { _ in Buffer(capacity * positions * positions) }
        heads = (0..<layerCount).map { _ in Buffer(rows * 3 * dimension) }
        normalised = (0..<layerCount).map { _ in Buffer(rows * 3 * dimension) }
        inverseDeviations = (0..<layerCount).map { _ in Buffer(rows) }
        outputs = Buffer(rows * dimension)
        sequenceLosses = Buffer(capacity)
        targets = Buffer(rows * dimension)
        streamGradient = Buffer(rows * 3 * dimension)
        attentionGradient = Buffer(rows * 3 * dimension)
        outputGradient = Buffer(rows * dimension)
        gradientTimesNormalised = Buffer(rows * 3 * dimension)
        headGradient = Buffer(rows * 3 * dimension)
        projectionGradient = Buffer(rows * 9 * dimension)
        scoreGradients = (0..<workerCount).map { _ in Buffer(positions * positions) }
        ones = Buffer(rows)
        for r in 0..<rows { ones.pointer[r] = 1 }
    }

    // MARK: Loading a batch

    /// Loads sequences `indices` of a flat [count, T + 1, d] set as augmented tokens and targets.
    public func load<Source: BinaryFloatingPoint, Indices: Collection<Int>>(sequences: UnsafeBufferPointer<Source>,
                                                                            shape: SequenceShape, indices: Indices) {
        precondition(shape.dimension == dimension && shape.positions == positions, "load: shape \(shape) mismatch")
        precondition(indices.count <= capacity, "load: \(indices.count) sequences exceed capacity \(capacity)")
        precondition(sequences.count == shape.elementCount, "load: buffer size")
        let base = sequences.baseAddress!
        let order = Array(indices)
        loadedCount = order.count
        inParallel { slots, _ in
            for slot in slots {
                AugmentedTokens.write(sequence: base + order[slot] * shape.tokenCount * dimension, shape: shape,
                                      tokens: layerInputs[0].pointer + slot * positions * width,
                                      targets: targets.pointer + slot * positions * dimension)
            }
        }
    }

    /// Copies parameters into the staged buffer (done before each forward pass).
    func stage(_ parameters: TransformerParameters<Scalar>) {
        precondition(parameters.layerCount == layerCount && parameters.width == width, "parameters do not fit")
        for (index, tensor) in parameters.tensors.enumerated() {
            let offset = layout.offsets[index]
            tensor.withUnsafeBufferPointer { source in
                (staged.pointer + offset).update(from: source.baseAddress!, count: source.count)
            }
        }
    }

    /// Copies the staged gradient into `gradient`'s tensors.
    func unstageGradient(into gradient: inout TransformerParameters<Scalar>) {
        for index in 0..<gradient.tensors.count {
            let offset = layout.offsets[index]
            gradient.tensors[index].withUnsafeMutableBufferPointer { destination in
                destination.baseAddress!.update(from: stagedGradient.pointer + offset, count: destination.count)
            }
        }
    }

    // MARK: Public one-call API

    /// Mean-squared loss on the loaded batch.
    public func loss(parameters: TransformerParameters<Scalar>) -> Double {
        stage(parameters)
        return forward()
    }

    /// Loss and its gradient with respect to every parameter tensor, on the loaded batch.
    public func lossAndGradient(parameters: TransformerParameters<Scalar>) -> (loss: Double,
                                                                                 gradient: TransformerParameters<Scalar>) {
        stage(parameters)
        let loss = forward()
        backward()
        var gradient = TransformerParameters<Scalar>.zeros(layerCount: layerCount, width: width)
        unstageGradient(into: &gradient)
        return (loss, gradient)
    }

    /// The first d outputs of the loaded batch after a forward pass: [loadedCount, T, d].
    public func predictions() -> [Scalar] {
        var result = [Scalar](repeating: 0, count: loadedCount * positions * dimension)
        for r in 0..<(loadedCount * positions) {
            for i in 0..<dimension { result[r * dimension + i] = outputs.pointer[r * dimension + i] }
        }
        return result
    }
}

/// Where each parameter tensor sits in the staged flat buffer. Per layer: W_Q, W_K, W_V contiguous (so that
/// [W_Q; W_K; W_V] is one 3D×D matrix for the fused projection), then b_Q, b_K, b_V, W_O, b_O, γ, β; then W_F, b_F.
struct ParameterLayout {
    let layerSize: Int
    let offsets: [Int]
    let totalCount: Int
    let width: Int

    init(layerCount: Int, width: Int) {
        self.width = width
        let w2 = width * width
        layerSize = 4 * w2 + 6 * width
        typealias Slot = TransformerParameters<Float>.Slot
        var offsets: [Int] = []
        for layer in 0..<layerCount {
            let base = layer * layerSize
            for slot in Slot.allCases {
                switch slot {
                case .queryWeight: offsets.append(base)
                case .keyWeight: offsets.append(base + w2)
                case .valueWeight: offsets.append(base + 2 * w2)
                case .queryBias: offsets.append(base + 3 * w2)
                case .keyBias: offsets.append(base + 3 * w2 + width)
                case .valueBias: offsets.append(base + 3 * w2 + 2 * width)
                case .outputWeight: offsets.append(base + 3 * w2 + 3 * width)
                case .outputBias: offsets.append(base + 4 * w2 + 3 * width)
                case .normWeight: offsets.append(base + 4 * w2 + 4 * width)
                case .normBias: offsets.append(base + 4 * w2 + 5 * width)
                }
            }
        }
        offsets.append(layerCount * layerSize)
        offsets.append(layerCount * layerSize + w2)
        self.offsets = offsets
        totalCount = layerCount * layerSize + w2 + width
    }

    func projectionWeights(_ layer: Int) -> Int { layer * layerSize }
    func projectionBiases(_ layer: Int) -> Int { layer * layerSize + 3 * width * width }
    func outputWeight(_ layer: Int) -> Int { layer * layerSize + 3 * width * width + 3 * width }
    func outputBias(_ layer: Int) -> Int { layer * layerSize + 4 * width * width + 3 * width }
    func normWeight(_ layer: Int) -> Int { layer * layerSize + 4 * width * width + 4 * width }
    func normBias(_ layer: Int) -> Int { layer * layerSize + 4 * width * width + 5 * width }
    var readoutWeight: Int { offsets[offsets.count - 2] }
    var readoutBias: Int { offsets[offsets.count - 1] }
}

/// A zero-initialised buffer owned by the network, freed with it.
final class Buffer<Scalar: TransformerScalar> {
    let pointer: UnsafeMutablePointer<Scalar>
    let count: Int

    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
