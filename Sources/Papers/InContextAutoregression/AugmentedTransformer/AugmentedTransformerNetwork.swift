import GradientDescentBaselines
import Layers
import NumericCore

/// The augmented-token linear Transformer of PAPER.md §5, as a composition of the shared layers:
///   per layer   x ← x + LN(W_O · Attn(W_QKV x + b_QKV) + b_O),
///               Attn_t = Σ_{k≤t} (q_t·k_k / √D) v_k   (CausalAttention, linear scoring, one head of width D = 3d),
///   then        out = W_F x + b_F,   loss = MSE of out_{t, 0..<d} against s_{t+1} (SlicedMeanSquaredError).
///
/// W_QKV = [W_Q; W_K; W_V] is one fused Linear (the c_attn of nanoGPT). Only the first d outputs enter the loss, so
/// rows d..<D of W_F and b_F keep their values and get a zero gradient (as in the reference, where they are unused).
/// Activations are allocated once for `capacity` sequences; a batch may be smaller. The attention splits sequences
/// over `workerCount` threads, each writing its own rows; every reduction over rows is a BLAS product or a
/// fixed-order loop, so results do not depend on `workerCount`. Not thread-safe itself: one network per caller.
public final class AugmentedTransformerNetwork<Scalar: TransformerScalar> {
    public let layerCount: Int
    public let dimension: Int
    /// Positions per sequence T = n (tokens s_0 … s_n).
    public let positions: Int
    /// Largest number of sequences in one batch.
    public let capacity: Int
    /// Threads used for the per-sequence attention.
    public let workerCount: Int
    let width: Int

    /// Every trainable tensor, in the order layer 0 (qkv, out, norm), …, readout; the optimiser steps these.
    public let parameters: ParameterSet<Scalar>
    struct Block {
        let projection: Linear<Scalar>
        let attention: CausalAttention<Scalar>
        let output: Linear<Scalar>
        let norm: LayerNorm<Scalar>
    }
    let blocks: [Block]
    let readout: Linear<Scalar>

    // Forward activations kept for the backward pass.
    let streams: [Tensor<Scalar>]      // L + 1 of [rows, D]; streams[0] = augmented tokens
    let projections: [Tensor<Scalar>]  // L of [rows, 3D]: Q | K | V
    let heads: [Tensor<Scalar>]        // L of [rows, D]: the attention's output, input of W_O
    let attended: Tensor<Scalar>       // [rows, D]: W_O heads + b_O, then LN of it (scratch)
    let normalised: Tensor<Scalar>     // [rows, D]
    let outputs: Tensor<Scalar>        // [rows, D]
    let targets: Tensor<Scalar>        // [rows, d]
    // Backward scratch.
    let streamGradient: Tensor<Scalar> // ∂L/∂x along the residual stream
    let attendedGradient: Tensor<Scalar>
    let headGradient: Tensor<Scalar>
    let projectionGradient: Tensor<Scalar>
    let outputGradient: Tensor<Scalar>

    /// Sequences currently loaded (set by `load`).
    public private(set) var loadedCount = 0

    public init(layerCount: Int, dimension: Int, positions: Int, capacity: Int, workerCount: Int = 1) {
        precondition(layerCount >= 1 && dimension >= 1 && positions >= 1 && capacity >= 1 && workerCount >= 1,
                     "AugmentedTransformerNetwork: bad sizes")
        self.layerCount = layerCount
        self.dimension = dimension
        self.positions = positions
        self.capacity = capacity
        self.workerCount = workerCount
        let D = 3 * dimension, rows = capacity * positions
        width = D
        let parameters = ParameterSet<Scalar>()
        self.parameters = parameters
        blocks = (0..<layerCount).map { layer in
            Block(projection: Linear("layer\(layer).qkv", inputs: D, outputs: 3 * D, bias: true, in: parameters, workers: workerCount),
                  attention: CausalAttention(width: D, heads: 1, block: positions, capacity: rows, scoring: .linear,
                                             scale: 1 / Scalar(D).squareRoot(), workers: workerCount),
                  output: Linear("layer\(layer).out", inputs: D, outputs: D, bias: true, in: parameters, workers: workerCount),
                  norm: LayerNorm("layer\(layer).norm", width: D, bias: true, capacity: rows, in: parameters, workers: workerCount))
        }
        readout = Linear("readout", inputs: D, outputs: D, bias: true, in: parameters, workers: workerCount)
        streams = (0...layerCount).map { _ in Tensor([rows, D]) }
        projections = (0..<layerCount).map { _ in Tensor([rows, 3 * D]) }
        heads = (0..<layerCount).map { _ in Tensor([rows, D]) }
        attended = Tensor([rows, D])
        normalised = Tensor([rows, D])
        outputs = Tensor([rows, D])
        targets = Tensor([rows, dimension])
        streamGradient = Tensor([rows, D])
        attendedGradient = Tensor([rows, D])
        headGradient = Tensor([rows, D])
        projectionGradient = Tensor([rows, 3 * D])
        outputGradient = Tensor([rows, D])
    }

    // MARK: Loading a batch

    /// Loads sequences `indices` of a flat [count, T + 1, d] set as augmented tokens and targets.
    public func load<Source: BinaryFloatingPoint, Indices: Collection<Int>>(sequences: UnsafeBufferPointer<Source>,
                                                                            shape: SequenceShape, indices: Indices) {
        precondition(shape.dimension == dimension && shape.positions == positions, "load: shape \(shape) mismatch")
        precondition(indices.count <= capacity, "load: \(indices.count) sequences exceed capacity \(capacity)")
        precondition(sequences.count == shape.elementCount, "load: buffer size")
        let base = sequences.baseAddress!
        loadedCount = indices.count
        for (slot, index) in indices.enumerated() {
            AugmentedTokens.write(sequence: base + index * shape.tokenCount * dimension, shape: shape,
                                  tokens: streams[0].pointer + slot * positions * width,
                                  targets: targets.pointer + slot * positions * dimension)
        }
    }

    // MARK: The passes

    /// Runs the network on the loaded batch with its current parameters; the loss is over the loaded rows.
    @discardableResult
    public func forward() -> LossValue {
        let rows = loadedCount * positions, D = width
        let layout = SequenceLayout(count: loadedCount, length: positions)
        for (layer, block) in blocks.enumerated() {
            let x = streams[layer].pointer, next = streams[layer + 1].pointer
            block.projection.forward(x, rows: rows, into: projections[layer].pointer)
            block.attention.forward(projections[layer].pointer, layout: layout, into: heads[layer].pointer)
            block.output.forward(heads[layer].pointer, rows: rows, into: attended.pointer)
            block.norm.forward(attended.pointer, rows: rows, into: normalised.pointer)
            next.update(from: x, count: rows * D)
            Residual.add(normalised.pointer, into: next, count: rows * D)
        }
        readout.forward(streams[layerCount].pointer, rows: rows, into: outputs.pointer)
        return SlicedMeanSquaredError.evaluate(output: outputs.pointer, outputWidth: D, targets: targets.pointer,
                                               targetWidth: dimension, rows: rows, gradient: outputGradient.pointer)
    }

    /// Back-propagates the loss of the last `forward()` into the parameters' gradients (which it first zeroes).
    public func backward() {
        let rows = loadedCount * positions
        parameters.zeroGradients()
        readout.backward(input: streams[layerCount].pointer, outputGradient: outputGradient.pointer, rows: rows,
                         inputGradient: streamGradient.pointer)
        for (layer, block) in blocks.enumerated().reversed() {
            // The residual passes ∂L/∂x' through unchanged; the sublayer's part is added by the projection's backward.
            block.norm.backward(outputGradient: streamGradient.pointer, rows: rows,
                                inputGradient: attendedGradient.pointer)
            block.output.backward(input: heads[layer].pointer, outputGradient: attendedGradient.pointer, rows: rows,
                                  inputGradient: headGradient.pointer)
            block.attention.backward(input: projections[layer].pointer, outputGradient: headGradient.pointer,
                                     inputGradient: projectionGradient.pointer)
            block.projection.backward(input: streams[layer].pointer, outputGradient: projectionGradient.pointer,
                                      rows: rows, inputGradient: streamGradient.pointer, accumulate: true)
        }
    }

    // MARK: Exchange with TransformerParameters (initialisation, exported weights, gradient checks)

    /// The tensors of `TransformerParameters` as (parameter, offset) slices of the layers' parameters.
    func slices(_ layerParameters: TransformerParameters<Scalar>) -> [(Parameter<Scalar>, Int)] {
        let D = width
        var slices: [(Parameter<Scalar>, Int)] = []
        for block in blocks {
            typealias Slot = TransformerParameters<Scalar>.Slot
            for slot in Slot.allCases {
                switch slot {
                case .queryWeight: slices.append((block.projection.weight, 0))
                case .queryBias: slices.append((block.projection.bias!, 0))
                case .keyWeight: slices.append((block.projection.weight, D * D))
                case .keyBias: slices.append((block.projection.bias!, D))
                case .valueWeight: slices.append((block.projection.weight, 2 * D * D))
                case .valueBias: slices.append((block.projection.bias!, 2 * D))
                case .outputWeight: slices.append((block.output.weight, 0))
                case .outputBias: slices.append((block.output.bias!, 0))
                case .normWeight: slices.append((block.norm.gain, 0))
                case .normBias: slices.append((block.norm.bias!, 0))
                }
            }
        }
        return slices + [(readout.weight, 0), (readout.bias!, 0)]
    }

    /// Sets the layers' parameters to `values`.
    public func set(_ values: TransformerParameters<Scalar>) {
        precondition(values.layerCount == layerCount && values.width == width, "parameters do not fit")
        for ((parameter, offset), tensor) in zip(slices(values), values.tensors) {
            tensor.withUnsafeBufferPointer { (parameter.value.pointer + offset).update(from: $0.baseAddress!, count: $0.count) }
        }
    }

    /// The layers' current parameters (`gradient: true`: their gradients) as TransformerParameters.
    public func exported(gradient: Bool = false) -> TransformerParameters<Scalar> {
        var result = TransformerParameters<Scalar>.zeros(layerCount: layerCount, width: width)
        for (index, (parameter, offset)) in slices(result).enumerated() {
            let source = (gradient ? parameter.gradient : parameter.value).pointer + offset
            result.tensors[index] = Array(UnsafeBufferPointer(start: source, count: result.tensors[index].count))
        }
        return result
    }

    // MARK: One-call API

    /// Mean-squared loss of `parameters` on the loaded batch.
    public func loss(parameters values: TransformerParameters<Scalar>) -> Double {
        set(values)
        return forward().mean
    }

    /// Loss and its gradient with respect to every parameter tensor, on the loaded batch.
    public func lossAndGradient(parameters values: TransformerParameters<Scalar>)
        -> (loss: Double, gradient: TransformerParameters<Scalar>) {
        set(values)
        let loss = forward().mean
        backward()
        return (loss, exported(gradient: true))
    }

    /// The first d outputs of the loaded batch after a forward pass: [loadedCount, T, d].
    public func predictions() -> [Scalar] {
        var result = [Scalar](repeating: 0, count: loadedCount * positions * dimension)
        for r in 0..<(loadedCount * positions) {
            for i in 0..<dimension { result[r * dimension + i] = outputs.pointer[r * width + i] }
        }
        return result
    }
}
