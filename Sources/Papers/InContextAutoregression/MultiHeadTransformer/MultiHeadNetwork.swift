import GradientDescentBaselines
/// Forward and backward passes of the §6 model over preallocated workspaces (one instance per precision and batch
/// capacity; not thread-safe).
///
/// Model (x_t = (s_t, s_t), π_t learned, k ≤ t):
///   τ^h_{tk} = (Q_h x_t + b_Q)·(K_h x_k + b_K)/√(2d),   ρ^h_{tk} = softmax_k((Q_h π_t + b_Q)·(K_h π_k + b_K)/√(2d))
///   out_t = W_O Σ_h Σ_k τ^h_{tk} ρ^h_{tk} (V_h x_k + b_V) + b_O,   ŷ_t = C·LayerNorm(out_t) + c,
///   loss = mean over batch, positions and coordinates of (ŷ_t − s_{t+1})².
///
/// A note on the regrouping that makes it fast: with z = (s, 1) ∈ R^{d+1} the duplicated input folds into
/// 2d × (d+1) maps Qa_h = [Q_h J | b_Q], Ka_h, Va_h (J = [I; I]), the token score is bilinear,
/// τ = z_kᵀ S_h z_t with S_h = Ka_hᵀ Qa_h/√(2d), and the value is v_k = U_hᵀ z_k with U_h = Va_hᵀ. Hence
///   Σ_h Σ_k ρ^h_{tk} τ^h_{tk} v_k[i] = Σ_k Σ_{a≤b} f_k[ab] Σ_c z_t[c] G_{tk}[ab, c, i],
///   f_k[ab] = z_k[a] z_k[b],   G_{tk} = Σ_h ρ^h_{tk} W_h,   W_h[ab, c, i] = S_h[b,c] U_h[a,i] (+ the a ↔ b term).
/// G does not depend on the data, so a batch costs sgemm products (B × (t+1)·p)·((t+1)·p × (d+1)·2d), p = (d+1)(d+2)/2
/// pair features, instead of B·H·T² small products; no gradient flows into the data (see +HeadSums for the blocking).
public final class MultiHeadNetwork<Scalar: MultiHeadScalar> {
    public let configuration: MultiHeadConfiguration
    public let batchCapacity: Int

    // Sizes: d, 2d, d+1, pair features p, H, T, causal pairs P = T(T+1)/2, block (d+1)·2d, kernel row p·(d+1)·2d.
    let dimension: Int
    let width: Int
    let affineWidth: Int
    let pairWidth: Int
    let headCount: Int
    let positionCount: Int
    let causalPairCount: Int
    let blockWidth: Int
    let kernelWidth: Int
    /// (a, b) with a ≤ b for each pair feature, and the pair-feature index of (a, b) for any order.
    let pairs: [(Int, Int)]
    let pairIndex: [Int]
    let scoreScale: Scalar

    // Parameters and gradients, one contiguous buffer each, tensors at `tensorOffsets`.
    let parameterBuffer: UnsafeMutablePointer<Scalar>
    let gradientBuffer: UnsafeMutablePointer<Scalar>
    let tensorOffsets: [Int]
    let tensorCounts: [Int]

    // Batch workspaces (rows ordered (sequence, position)).
    var batchSize = 0
    let tokens: UnsafeMutablePointer<Scalar>          // B × T × (d+1): z_t = (s_t, 1)
    let targets: UnsafeMutablePointer<Scalar>         // B × T × d: s_{t+1}
    let pairFeatures: UnsafeMutablePointer<Scalar>    // B × T·p: f_k[ab]
    let blockOutputs: UnsafeMutablePointer<Scalar>    // B × T × (d+1)·2d: Y, then its gradient
    let headSums: UnsafeMutablePointer<Scalar>        // B·T × 2d: Σ_h Σ_k τ ρ v
    let attentionOutputs: UnsafeMutablePointer<Scalar> // B·T × 2d: out_t
    let normalized: UnsafeMutablePointer<Scalar>      // B·T × 2d: (out − mean)/σ
    let inverseDeviations: UnsafeMutablePointer<Scalar> // B·T
    let normOutputs: UnsafeMutablePointer<Scalar>     // B·T × 2d: LayerNorm(out)
    let predictions: UnsafeMutablePointer<Scalar>     // B·T × d: ŷ, then its gradient
    let rowGradientA: UnsafeMutablePointer<Scalar>    // B·T × 2d
    let rowGradientB: UnsafeMutablePointer<Scalar>    // B·T × 2d

    // Parameter-sized workspaces.
    let positionalQueries: UnsafeMutablePointer<Scalar> // T × H·2d: Q_h π_t + b_Q
    let positionalKeys: UnsafeMutablePointer<Scalar>    // T × H·2d: K_h π_k + b_K
    let positionalWeights: UnsafeMutablePointer<Scalar> // H × T × T: ρ^h (zero above the diagonal)
    let positionalGradient: UnsafeMutablePointer<Scalar> // H × T × T
    let positionalQueryGradient: UnsafeMutablePointer<Scalar> // T × H·2d
    let positionalKeyGradient: UnsafeMutablePointer<Scalar>   // T × H·2d
    let pairWeights: UnsafeMutablePointer<Scalar>       // P × H: ρ^h_{tk} at row t(t+1)/2 + k
    let pairWeightGradient: UnsafeMutablePointer<Scalar> // P × H
    let foldedQueries: UnsafeMutablePointer<Scalar>     // H × 2d × (d+1): Qa_h
    let foldedKeys: UnsafeMutablePointer<Scalar>        // H × 2d × (d+1): Ka_h
    let foldedValues: UnsafeMutablePointer<Scalar>      // H × (d+1) × 2d: U_h = Va_hᵀ
    let scoreMaps: UnsafeMutablePointer<Scalar>         // H × (d+1) × (d+1): S_h
    let headTensor: UnsafeMutablePointer<Scalar>        // (d+1)² × (d+1)·2d: S_h ⊗ U_h for one head
    let headKernels: UnsafeMutablePointer<Scalar>       // H × p·(d+1)·2d: W_h
    let headKernelGradient: UnsafeMutablePointer<Scalar> // H × p·(d+1)·2d
    let pairKernels: UnsafeMutablePointer<Scalar>       // P × p·(d+1)·2d: G_{tk}
    let pairKernelGradient: UnsafeMutablePointer<Scalar> // P × p·(d+1)·2d
    let causalKernels: UnsafeMutablePointer<Scalar>     // T·p × T·(d+1)·2d: G_{tk} at block (k, t), zero for k > t
    let causalKernelGradient: UnsafeMutablePointer<Scalar> // T·p × T·(d+1)·2d
    let smallGradientA: UnsafeMutablePointer<Scalar>    // 2d × (d+1)·2d scratch
    let smallGradientB: UnsafeMutablePointer<Scalar>
    let smallGradientC: UnsafeMutablePointer<Scalar>

    private var allocations: [UnsafeMutablePointer<Scalar>] = []

    public init(configuration: MultiHeadConfiguration, batchCapacity: Int) {
        precondition(batchCapacity > 0, "MultiHeadNetwork: batch capacity must be positive")
        self.configuration = configuration
        self.batchCapacity = batchCapacity
        dimension = configuration.dimension
        width = configuration.width
        affineWidth = dimension + 1
        pairWidth = affineWidth * (affineWidth + 1) / 2
        headCount = configuration.headCount
        positionCount = configuration.positionCount
        causalPairCount = positionCount * (positionCount + 1) / 2
        blockWidth = affineWidth * width
        kernelWidth = pairWidth * blockWidth
        scoreScale = 1 / Scalar(width).squareRoot()
        var pairs: [(Int, Int)] = []
        var pairIndex = [Int](repeating: 0, count: affineWidth * affineWidth)
        for a in 0..<affineWidth {
            for b in a..<affineWidth {
                pairIndex[a * affineWidth + b] = pairs.count
                pairIndex[b * affineWidth + a] = pairs.count
                pairs.append((a, b))
            }
        }
        self.pairs = pairs
        self.pairIndex = pairIndex

        let counts = MultiHeadParameters<Scalar>(zerosFor: configuration).tensors.map(\.count)
        tensorCounts = counts
        var offsets: [Int] = []
        var total = 0
        for count in counts { offsets.append(total); total += count }
        tensorOffsets = offsets

        var allocations: [UnsafeMutablePointer<Scalar>] = []
        func buffer(_ count: Int) -> UnsafeMutablePointer<Scalar> {
            let pointer = UnsafeMutablePointer<Scalar>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            allocations.append(pointer)
            return pointer
        }
        let rows = batchCapacity * positionCount
        let t = positionCount, h = headCount, w = width
        parameterBuffer = buffer(total)
        gradientBuffer = buffer(total)
        tokens = buffer(rows * affineWidth)
        targets = buffer(rows * dimension)
        pairFeatures = buffer(rows * pairWidth)
        blockOutputs = buffer(rows * blockWidth)
        headSums = buffer(rows * w)
        attentionOutputs = buffer(rows * w)
        normalized = buffer(rows * w)
        inverseDeviations = buffer(rows)
        normOutputs = buffer(rows * w)
        predictions = buffer(rows * dimension)
        rowGradientA = buffer(rows * w)
        rowGradientB = buffer(rows * w)
        positionalQueries = buffer(t * h * w)
        positionalKeys = buffer(t * h * w)
        positionalWeights = buffer(h * t * t)
        positionalGradient = buffer(h * t * t)
        positionalQueryGradient = buffer(t * h * w)
        positionalKeyGradient = buffer(t * h * w)
        pairWeights = buffer(causalPairCount * h)
        pairWeightGradient = buffer(causalPairCount * h)
        foldedQueries = buffer(h * w * affineWidth)
        foldedKeys = buffer(h * w * affineWidth)
        foldedValues = buffer(h * affineWidth * w)
        scoreMaps = buffer(h * affineWidth * affineWidth)
        headTensor = buffer(affineWidth * affineWidth * blockWidth)
        headKernels = buffer(h * kernelWidth)
        headKernelGradient = buffer(h * kernelWidth)
        pairKernels = buffer(causalPairCount * kernelWidth)
        pairKernelGradient = buffer(causalPairCount * kernelWidth)
        causalKernels = buffer(t * pairWidth * t * blockWidth)
        causalKernelGradient = buffer(t * pairWidth * t * blockWidth)
        smallGradientA = buffer(affineWidth * affineWidth * blockWidth)
        smallGradientB = buffer(w * blockWidth)
        smallGradientC = buffer(w * blockWidth)
        self.allocations = allocations
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }

    // MARK: Public API

    // A note on @_specialize: callers in other modules would otherwise run the generic, unspecialised code, whose
    // witness-table arithmetic costs more than the BLAS products.

    /// Mean squared error of the batch `indices` of `sequences`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(parameters: MultiHeadParameters<Scalar>, sequences: TokenSequences, indices: [Int]) -> Double {
        load(parameters)
        loadBatch(sequences, indices: indices)
        forward()
        return meanSquaredError()
    }

    /// Mean squared error of the batch and its gradient with respect to every parameter tensor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func lossAndGradient(parameters: MultiHeadParameters<Scalar>, sequences: TokenSequences,
                                indices: [Int]) -> (loss: Double, gradient: MultiHeadParameters<Scalar>) {
        load(parameters)
        loadBatch(sequences, indices: indices)
        forward()
        let loss = meanSquaredError()
        backward()
        return (loss, unloadGradient())
    }

    /// Predictions ŷ_t for the batch, (index, position, coordinate) row-major.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func predictions(parameters: MultiHeadParameters<Scalar>, sequences: TokenSequences,
                            indices: [Int]) -> [Scalar] {
        load(parameters)
        loadBatch(sequences, indices: indices)
        forward()
        return Array(UnsafeBufferPointer(start: predictions, count: batchSize * positionCount * dimension))
    }

    /// Mean squared error over a whole set, evaluated in batches of at most `batchCapacity`, and per position.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(parameters: MultiHeadParameters<Scalar>,
                         sequences: TokenSequences) -> (loss: Double, perPosition: [Double]) {
        var perPosition = [Double](repeating: 0, count: positionCount)
        var start = 0
        while start < sequences.count {
            let indices = Array(start..<min(start + batchCapacity, sequences.count))
            _ = loss(parameters: parameters, sequences: sequences, indices: indices)
            for n in 0..<batchSize {
                for t in 0..<positionCount {
                    let row = n * positionCount + t
                    for i in 0..<dimension {
                        let error = Double(predictions[row * dimension + i] - targets[row * dimension + i])
                        perPosition[t] += error * error
                    }
                }
            }
            start += batchCapacity
        }
        perPosition = perPosition.map { $0 / Double(sequences.count * dimension) }
        return (perPosition.reduce(0, +) / Double(positionCount), perPosition)
    }

    // MARK: Passes

    func forward() {
        positionalWeightsForward()
        headKernelsForward()
        headSumsForward()
        readoutForward()
    }

    func backward() {
        gradientBuffer.update(repeating: 0, count: tensorOffsets.last! + tensorCounts.last!)
        readoutBackward()
        headSumsBackward()
        headKernelsBackward()
        positionalWeightsBackward()
    }

    // MARK: Loading

    /// Pointer to parameter tensor `index` (in `MultiHeadParameters.tensorNames` order).
    @inline(__always) func parameter(_ index: Int) -> UnsafeMutablePointer<Scalar> { parameterBuffer + tensorOffsets[index] }
    @inline(__always) func gradient(_ index: Int) -> UnsafeMutablePointer<Scalar> { gradientBuffer + tensorOffsets[index] }

    // Tensor indices, in `MultiHeadParameters.tensorNames` order.
    static var queryWeightIndex: Int { 0 }
    static var queryBiasIndex: Int { 1 }
    static var keyWeightIndex: Int { 2 }
    static var keyBiasIndex: Int { 3 }
    static var valueWeightIndex: Int { 4 }
    static var valueBiasIndex: Int { 5 }
    static var outputWeightIndex: Int { 6 }
    static var outputBiasIndex: Int { 7 }
    static var positionEmbeddingsIndex: Int { 8 }
    static var normScaleIndex: Int { 9 }
    static var normShiftIndex: Int { 10 }
    static var readoutWeightIndex: Int { 11 }
    static var readoutBiasIndex: Int { 12 }

    func load(_ parameters: MultiHeadParameters<Scalar>) {
        precondition(parameters.configuration == configuration, "MultiHeadNetwork: parameters of another configuration")
        for (index, tensor) in parameters.tensors.enumerated() {
            tensor.withUnsafeBufferPointer { parameter(index).update(from: $0.baseAddress!, count: tensor.count) }
        }
    }

    func unloadGradient() -> MultiHeadParameters<Scalar> {
        var result = MultiHeadParameters<Scalar>(zerosFor: configuration)
        result.tensors = (0..<tensorCounts.count).map {
            Array(UnsafeBufferPointer(start: gradient($0), count: tensorCounts[$0]))
        }
        return result
    }

    /// z_t = (s_t, 1) for t < T, targets s_{t+1}, and pair features f_t[ab] = z_t[a] z_t[b].
    func loadBatch(_ sequences: TokenSequences, indices: [Int]) {
        precondition(sequences.tokenCount == positionCount + 1 && sequences.dimension == dimension,
                     "MultiHeadNetwork: sequences of \(sequences.tokenCount)×\(sequences.dimension), model needs "
                     + "\(positionCount + 1)×\(dimension)")
        precondition(!indices.isEmpty && indices.count <= batchCapacity, "MultiHeadNetwork: batch size out of range")
        batchSize = indices.count
        sequences.values.withUnsafeBufferPointer { values in
            for (n, sequence) in indices.enumerated() {
                let base = sequence * sequences.tokenCount * dimension
                for t in 0..<positionCount {
                    let row = n * positionCount + t
                    let z = tokens + row * affineWidth
                    for i in 0..<dimension {
                        z[i] = Scalar(values[base + t * dimension + i])
                        targets[row * dimension + i] = Scalar(values[base + (t + 1) * dimension + i])
                    }
                    z[dimension] = 1
                    let f = pairFeatures + row * pairWidth
                    for (index, (a, b)) in pairs.enumerated() { f[index] = z[a] * z[b] }
                }
            }
        }
    }
}
