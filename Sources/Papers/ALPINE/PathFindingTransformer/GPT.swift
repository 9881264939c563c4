import NumericCore
import Layers

/// ALPINE's GPT (ALPINE.md §2), a composition of the shared layers, over packed sequences:
///   h₀ = wte[u] + wpe[position]
///   per block   x ← x + c_proj(Attn(c_attn(LN₁(x)))),   x ← x + proj(GELU(fc(LN₂(x))))
///   logits = LN_f(x) wteᵀ,   loss = cross-entropy over every target that is not PAD (token 0)
/// Activations for up to `capacity` rows are allocated once; `train` runs forward and backward of one batch.
public final class GPT<Scalar: BLASScalar> {
    public let configuration: GPTConfiguration
    public let capacity: Int
    public let workers: Int
    public let parameters = ParameterSet<Scalar>()
    public let tokenEmbedding: Embedding<Scalar>
    public let positions: LearnedPositions<Scalar>
    public let blocks: [GPTBlock<Scalar>]
    public let finalNorm: LayerNorm<Scalar>
    /// The residual stream entering each block and leaving the last (L + 1 tensors).
    let stream: [Tensor<Scalar>]
    let finalNormalised: Tensor<Scalar>
    let logits: Tensor<Scalar>
    let streamGradient: Tensor<Scalar>
    let normalisedGradient: Tensor<Scalar>

    public static var padToken: Int32 { 0 }

    public init(_ configuration: GPTConfiguration, capacity: Int, workers: Int = 1) {
        self.configuration = configuration
        self.capacity = capacity
        self.workers = workers
        let d = configuration.width
        tokenEmbedding = Embedding("wte", vocabulary: configuration.vocabulary, width: d, in: parameters,
                                   workers: workers)
        positions = LearnedPositions("wpe", block: configuration.block, width: d, in: parameters)
        let parameters = self.parameters
        blocks = (0..<configuration.layers).map {
            GPTBlock("h.\($0)", configuration, capacity: capacity, workers: workers, in: parameters)
        }
        finalNorm = LayerNorm("ln_f", width: d, bias: false, capacity: capacity, in: parameters, workers: workers)
        stream = (0...configuration.layers).map { _ in Tensor([capacity, d]) }
        finalNormalised = Tensor([capacity, d])
        logits = Tensor([capacity, configuration.vocabulary])
        streamGradient = Tensor([capacity, d])
        normalisedGradient = Tensor([capacity, d])
    }

    /// nanoGPT's initialisation: N(0, 0.02²) for every Linear and Embedding weight, 0.02/√(2L) for the two c_proj
    /// weights of each block (residual projections); LayerNorm gains stay 1.
    public func initialise(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let residual = 0.02 / (2 * Double(configuration.layers)).squareRoot()
        parameters.initialiseNormal(&generator) { parameter in
            if parameter.name.hasPrefix("ln") || parameter.name.contains(".ln_") { return nil }
            return parameter.name.hasSuffix("c_proj.weight") ? residual : 0.02
        }
    }

    /// Logits of every row (rows × vocabulary), valid until the next call.
    @discardableResult
    public func forward(tokens: [Int32], layout: SequenceLayout) -> UnsafeMutablePointer<Scalar> {
        precondition(tokens.count == layout.rowCount && layout.rowCount <= capacity,
                     "GPT: \(tokens.count) tokens for \(layout.rowCount) rows (capacity \(capacity))")
        let rows = layout.rowCount
        tokenEmbedding.forward(tokens: tokens, into: stream[0].pointer)
        positions.forward(layout, into: stream[0].pointer)
        for (index, block) in blocks.enumerated() {
            block.forward(stream[index], layout: layout, into: stream[index + 1])
        }
        finalNorm.forward(stream[blocks.count].pointer, rows: rows, into: finalNormalised.pointer)
        tokenEmbedding.project(finalNormalised.pointer, rows: rows, into: logits.pointer)
        return logits.pointer
    }

    /// Forward and backward of one batch: accumulates ∂loss/∂θ into the gradients and returns the loss.
    public func train(tokens: [Int32], targets: [Int32], layout: SequenceLayout) -> LossValue {
        let rows = layout.rowCount
        forward(tokens: tokens, layout: layout)
        let loss = CrossEntropy.evaluate(logits: logits.pointer, targets: targets, ignored: Self.padToken,
                                         classes: configuration.vocabulary, gradient: logits.pointer, workers: workers)
        tokenEmbedding.projectBackward(input: finalNormalised.pointer, outputGradient: logits.pointer, rows: rows,
                                       inputGradient: normalisedGradient.pointer)
        finalNorm.backward(outputGradient: normalisedGradient.pointer, rows: rows, inputGradient: streamGradient.pointer)
        for (index, block) in blocks.enumerated().reversed() {
            block.backward(input: stream[index], layout: layout, streamGradient: streamGradient)
        }
        positions.backward(layout, outputGradient: streamGradient.pointer)
        tokenEmbedding.backward(tokens: tokens, outputGradient: streamGradient.pointer)
        return loss
    }

    /// Attention probabilities of block `layer`, head `head`, sequence `sequence` of the last forward pass.
    public func attention(layer: Int, head: Int, sequence: Int) -> [Scalar] {
        blocks[layer].attention.attention(sequence: sequence, head: head)
    }
}

/// One pre-LN Transformer block of nanoGPT: attention and MLP sublayers, each added to the residual stream.
public final class GPTBlock<Scalar: BLASScalar> {
    public let width: Int
    public let firstNorm: LayerNorm<Scalar>
    public let attentionInput: Linear<Scalar>
    public let attention: CausalAttention<Scalar>
    public let attentionOutput: Linear<Scalar>
    public let secondNorm: LayerNorm<Scalar>
    public let expand: Linear<Scalar>
    public let contract: Linear<Scalar>
    // Activations of the last forward pass.
    let normalisedInput: Tensor<Scalar>
    let qkv: Tensor<Scalar>
    let heads: Tensor<Scalar>
    let middle: Tensor<Scalar>
    let normalisedMiddle: Tensor<Scalar>
    let hidden: Tensor<Scalar>
    let activated: Tensor<Scalar>
    let tangents: Tensor<Scalar>
    let workers: Int
    // Backward scratch.
    let widthGradient: Tensor<Scalar>
    let qkvGradient: Tensor<Scalar>
    let hiddenGradient: Tensor<Scalar>

    init(_ name: String, _ c: GPTConfiguration, capacity: Int, workers: Int, in parameters: ParameterSet<Scalar>) {
        let d = c.width
        width = d
        firstNorm = LayerNorm("\(name).ln_1", width: d, bias: false, capacity: capacity, in: parameters,
                              workers: workers)
        attentionInput = Linear("\(name).attn.c_attn", inputs: d, outputs: 3 * d, bias: false, in: parameters,
                                 workers: workers)
        attention = CausalAttention(width: d, heads: c.heads, block: c.block, capacity: capacity, scoring: .softmax,
                                    workers: workers)
        attentionOutput = Linear("\(name).attn.c_proj", inputs: d, outputs: d, bias: false, in: parameters,
                                 workers: workers)
        secondNorm = LayerNorm("\(name).ln_2", width: d, bias: false, capacity: capacity, in: parameters,
                               workers: workers)
        expand = Linear("\(name).mlp.c_fc", inputs: d, outputs: 4 * d, bias: false, in: parameters,
                                 workers: workers)
        contract = Linear("\(name).mlp.c_proj", inputs: 4 * d, outputs: d, bias: false, in: parameters,
                                 workers: workers)
        normalisedInput = Tensor([capacity, d])
        qkv = Tensor([capacity, 3 * d])
        heads = Tensor([capacity, d])
        middle = Tensor([capacity, d])
        normalisedMiddle = Tensor([capacity, d])
        hidden = Tensor([capacity, 4 * d])
        activated = Tensor([capacity, 4 * d])
        tangents = Tensor([capacity, 4 * d])
        self.workers = workers
        widthGradient = Tensor([capacity, d])
        qkvGradient = Tensor([capacity, 3 * d])
        hiddenGradient = Tensor([capacity, 4 * d])
    }

    // m = x + c_proj(Attn(c_attn(LN₁ x))),   y = m + proj(GELU(fc(LN₂ m)))
    func forward(_ x: Tensor<Scalar>, layout: SequenceLayout, into y: Tensor<Scalar>) {
        let rows = layout.rowCount
        firstNorm.forward(x.pointer, rows: rows, into: normalisedInput.pointer)
        attentionInput.forward(normalisedInput.pointer, rows: rows, into: qkv.pointer)
        attention.forward(qkv.pointer, layout: layout, into: heads.pointer)
        attentionOutput.forward(heads.pointer, rows: rows, into: middle.pointer)
        Residual.add(x.pointer, into: middle.pointer, count: rows * width)
        secondNorm.forward(middle.pointer, rows: rows, into: normalisedMiddle.pointer)
        expand.forward(normalisedMiddle.pointer, rows: rows, into: hidden.pointer)
        GELU.forward(hidden.pointer, count: rows * 4 * width, into: activated.pointer, tangents: tangents.pointer,
                     workers: workers)
        contract.forward(activated.pointer, rows: rows, into: y.pointer)
        Residual.add(middle.pointer, into: y.pointer, count: rows * width)
    }

    /// `streamGradient` holds ∂L/∂y on entry and ∂L/∂x on return (the residual passes it through; each sublayer adds
    /// its part).
    func backward(input x: Tensor<Scalar>, layout: SequenceLayout, streamGradient g: Tensor<Scalar>) {
        let rows = layout.rowCount
        // MLP sublayer: g stays ∂L/∂m's residual part, LN₂'s backward adds the rest.
        contract.backward(input: activated.pointer, outputGradient: g.pointer, rows: rows,
                          inputGradient: hiddenGradient.pointer)
        GELU.backward(input: hidden.pointer, tangents: tangents.pointer, outputGradient: hiddenGradient.pointer,
                      count: rows * 4 * width, inputGradient: hiddenGradient.pointer, workers: workers)
        expand.backward(input: normalisedMiddle.pointer, outputGradient: hiddenGradient.pointer, rows: rows,
                        inputGradient: widthGradient.pointer)
        secondNorm.backward(outputGradient: widthGradient.pointer, rows: rows, inputGradient: g.pointer,
                            accumulate: true)
        // Attention sublayer.
        attentionOutput.backward(input: heads.pointer, outputGradient: g.pointer, rows: rows,
                                 inputGradient: widthGradient.pointer)
        attention.backward(input: qkv.pointer, outputGradient: widthGradient.pointer, inputGradient: qkvGradient.pointer)
        attentionInput.backward(input: normalisedInput.pointer, outputGradient: qkvGradient.pointer, rows: rows,
                                inputGradient: widthGradient.pointer)
        firstNorm.backward(outputGradient: widthGradient.pointer, rows: rows, inputGradient: g.pointer, accumulate: true)
    }
}
