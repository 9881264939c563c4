import Dispatch

// The forward pass and, beside it, the backward pass of the network, on the loaded batch and staged parameters.
extension AugmentedTransformerNetwork {
    /// Runs the network on the loaded batch; returns the mean-squared loss (accumulated in Double).
    func forward() -> Double {
        let rows = loadedCount * positions, D = width, d = dimension, T = positions
        let p = staged.pointer
        for layer in 0..<layerCount {
            let x = layerInputs[layer].pointer, next = layerInputs[layer + 1].pointer
            let qkv = projections[layer].pointer, attention = normalised[layer].pointer
            // [Q | K | V] = X [W_Q; W_K; W_V]ᵀ + [b_Q | b_K | b_V]
            broadcastRows(p + layout.projectionBiases(layer), into: qkv, rows: rows, columns: 3 * D)
            Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: 3 * D, k: D, alpha: 1,
                        a: x, lda: D, b: p + layout.projectionWeights(layer), ldb: D, beta: 1, c: qkv, ldc: 3 * D)
            // [Kᵀ; Vᵀ] = [W_K; W_V] Xᵀ + [b_K; b_V], feature-major, so that the attention's products are plain
            let keysValuesT = transposedKeysValues[layer].pointer
            let keyValueBias = p + layout.projectionBiases(layer) + D
            for row in 0..<(2 * D) {
                (keysValuesT + row * rows).update(repeating: keyValueBias[row], count: rows)
            }
            Scalar.gemm(transposeA: false, transposeB: true, m: 2 * D, n: rows, k: D, alpha: 1,
                        a: p + layout.projectionWeights(layer) + D * D, lda: D, b: x, ldb: D, beta: 1,
                        c: keysValuesT, ldc: rows)
            // H = tril(Q Kᵀ)/√D · V, per sequence
            let layerScores = scores[layer].pointer, layerHeads = heads[layer].pointer
            inParallel { sequences, _ in
                for sequence in sequences {
                    CausalLinearAttention.forward(projections: qkv + sequence * T * 3 * D,
                                                  transposedKeys: keysValuesT + sequence * T,
                                                  transposedStride: rows, positions: T, width: D,
                                                  scores: layerScores + sequence * T * T,
                                                  heads: layerHeads + sequence * T * D)
                }
            }
            // A = H W_Oᵀ + b_O
            broadcastRows(p + layout.outputBias(layer), into: attention, rows: rows, columns: D)
            Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: D, k: D, alpha: 1,
                        a: layerHeads, lda: D, b: p + layout.outputWeight(layer), ldb: D, beta: 1,
                        c: attention, ldc: D)
            // x' = x + LN(A)
            let deviations = inverseDeviations[layer].pointer
            inParallel { sequences, _ in
                LayerNormalisation.forward(attention: attention, inverseDeviations: deviations, input: x, next: next,
                                           weight: p + layout.normWeight(layer), bias: p + layout.normBias(layer),
                                           rows: (sequences.lowerBound * T)..<(sequences.upperBound * T), width: D)
            }
        }
        // out = X_L W_F[0..<d]ᵀ + b_F[0..<d]  (only the first d outputs are used)
        let out = outputs.pointer
        broadcastRows(p + layout.readoutBias, into: out, rows: rows, columns: d)
        Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: d, k: D, alpha: 1,
                    a: layerInputs[layerCount].pointer, lda: D, b: p + layout.readoutWeight, ldb: D, beta: 1,
                    c: out, ldc: d)
        // loss = mean (out − s_{t+1})², per-sequence sums added in sequence order
        let losses = sequenceLosses.pointer, target = targets.pointer
        inParallel { sequences, _ in
            for sequence in sequences {
                var sum = 0.0
                for j in (sequence * T * d)..<((sequence + 1) * T * d) {
                    let difference = Double(out[j]) - Double(target[j])
                    sum += difference * difference
                }
                losses[sequence] = sum
            }
        }
        var sum = 0.0
        for sequence in 0..<loadedCount { sum += losses[sequence] }
        return sum / Double(rows * d)
    }

    /// Back-propagates the loss of the last `forward()` into `stagedGradient`.
    func backward() {
        let rows = loadedCount * positions, D = width, d = dimension, T = positions
        let p = staged.pointer, g = stagedGradient.pointer
        // ∂L/∂out = 2 (out − s_{t+1}) / (rows · d)
        let scale = 2 / Scalar(rows * d)
        let outGradient = outputGradient.pointer, out = outputs.pointer, target = targets.pointer
        inParallel { sequences, _ in
            for j in (sequences.lowerBound * T * d)..<(sequences.upperBound * T * d) {
                outGradient[j] = scale * (out[j] - target[j])
            }
        }
        // ∂W_F[0..<d] = ∂outᵀ X_L,  ∂b_F[0..<d] = 1ᵀ ∂out,  ∂X_L = ∂out W_F[0..<d]; rows d..<D of W_F are unused
        (g + layout.readoutWeight + d * D).update(repeating: 0, count: (D - d) * D)
        (g + layout.readoutBias + d).update(repeating: 0, count: D - d)
        Scalar.gemm(transposeA: true, transposeB: false, m: d, n: D, k: rows, alpha: 1, a: outGradient, lda: d,
                    b: layerInputs[layerCount].pointer, ldb: D, beta: 0, c: g + layout.readoutWeight, ldc: D)
        columnSums(outGradient, rows: rows, columns: d, into: g + layout.readoutBias)
        let stream = streamGradient.pointer
        Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: D, k: d, alpha: 1, a: outGradient, lda: d,
                    b: p + layout.readoutWeight, ldb: D, beta: 0, c: stream, ldc: D)

        for layer in stride(from: layerCount - 1, through: 0, by: -1) {
            let x = layerInputs[layer].pointer, qkv = projections[layer].pointer
            let dA = attentionGradient.pointer, dH = headGradient.pointer, dQKV = projectionGradient.pointer
            // x' = x + γ ⊙ Â + β:  ∂β = 1ᵀ G,  ∂γ = 1ᵀ (G ⊙ Â),  ∂A from LayerNorm's backward (G = ∂L/∂x' = stream)
            let layerNormalised = normalised[layer].pointer, deviations = inverseDeviations[layer].pointer
            let products = gradientTimesNormalised.pointer
            inParallel { sequences, _ in
                LayerNormalisation.backward(outputGradient: stream, normalised: layerNormalised,
                                            inverseDeviations: deviations, weight: p + layout.normWeight(layer),
                                            gradientTimesNormalised: products, attentionGradient: dA,
                                            rows: (sequences.lowerBound * T)..<(sequences.upperBound * T), width: D)
            }
            columnSums(stream, rows: rows, columns: D, into: g + layout.normBias(layer))
            columnSums(products, rows: rows, columns: D, into: g + layout.normWeight(layer))
            // A = H W_Oᵀ + b_O:  ∂W_O = ∂Aᵀ H,  ∂b_O = 1ᵀ ∂A,  ∂H = ∂A W_O
            Scalar.gemm(transposeA: true, transposeB: false, m: D, n: D, k: rows, alpha: 1, a: dA, lda: D,
                        b: heads[layer].pointer, ldb: D, beta: 0, c: g + layout.outputWeight(layer), ldc: D)
            columnSums(dA, rows: rows, columns: D, into: g + layout.outputBias(layer))
            Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: D, k: D, alpha: 1, a: dA, lda: D,
                        b: p + layout.outputWeight(layer), ldb: D, beta: 0, c: dH, ldc: D)
            // ∂Q, ∂K, ∂V per sequence
            let layerScores = scores[layer].pointer, valuesT = transposedKeysValues[layer].pointer + D * rows
            inParallel { sequences, worker in
                for sequence in sequences {
                    CausalLinearAttention.backward(projections: qkv + sequence * T * 3 * D,
                                                   transposedValues: valuesT + sequence * T, transposedStride: rows,
                                                   scores: layerScores + sequence * T * T,
                                                   headGradient: dH + sequence * T * D, positions: T, width: D,
                                                   scoreGradient: scoreGradients[worker].pointer,
                                                   projectionGradient: dQKV + sequence * T * 3 * D)
                }
            }
            // [Q | K | V] = X Wᵀ + b:  ∂W = ∂[Q | K | V]ᵀ X,  ∂b = 1ᵀ ∂[Q | K | V],  ∂x += ∂[Q | K | V] W
            Scalar.gemm(transposeA: true, transposeB: false, m: 3 * D, n: D, k: rows, alpha: 1, a: dQKV, lda: 3 * D,
                        b: x, ldb: D, beta: 0, c: g + layout.projectionWeights(layer), ldc: D)
            columnSums(dQKV, rows: rows, columns: 3 * D, into: g + layout.projectionBiases(layer))
            // The residual path already holds G in `stream`; the attention's contribution is added on top.
            Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: D, k: 3 * D, alpha: 1, a: dQKV,
                        lda: 3 * D, b: p + layout.projectionWeights(layer), ldb: D, beta: 1, c: stream, ldc: D)
        }
    }

    /// Splits the loaded sequences into `workerCount` contiguous blocks and runs `body(block, worker)` on each,
    /// concurrently when there is more than one worker.
    func inParallel(_ body: (Range<Int>, Int) -> Void) {
        let count = loadedCount
        let workers = min(workerCount, max(count, 1))
        if workers == 1 {
            body(0..<count, 0)
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                body((count * worker / workers)..<(count * (worker + 1) / workers), worker)
            }
        }
    }

    /// Every row of `destination` [rows, columns] ← `row` (a bias, before a gemm with β = 1 adds the product).
    @inline(__always)
    func broadcastRows(_ row: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, rows: Int,
                       columns: Int) {
        for r in 0..<rows { (destination + r * columns).update(from: row, count: columns) }
    }

    /// 1ᵀ M for M [rows, columns], as a product with a row of ones (BLAS keeps the Float sum's error small).
    @inline(__always)
    func columnSums(_ matrix: UnsafePointer<Scalar>, rows: Int, columns: Int, into result: UnsafeMutablePointer<Scalar>) {
        Scalar.gemm(transposeA: false, transposeB: false, m: 1, n: columns, k: rows, alpha: 1, a: ones.pointer,
                    lda: rows, b: matrix, ldb: columns, beta: 0, c: result, ldc: columns)
    }
}
