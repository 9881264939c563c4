#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NumericCore

/// A sample mean with its standard error (sample standard deviation / √samples).
public struct MonteCarloEstimate: Equatable, Sendable {
    public let mean: Double
    public let standardError: Double
    public let samples: Int
}

/// Monte Carlo estimates of the losses whose expectations `UnitaryPopulationLoss` (`.exact`) and
/// `RotationPopulationLoss` give in closed form: draw W, roll out the sequence, apply the model to every row and sum
/// the squared errors
///
///   pred_i = Σ_{t'≤q+1} p_{t'} Σ_k C_{ik}·conj(z_{q,k})·z_{t',k}·z_{t',i},   loss = Σ_t Σ_i |pred_i − z_{q+2,i}|²
///
/// where z_t are the tokens in W's eigenbasis.
public enum MonteCarloPopulationLoss {
    /// W = diag(e^{iθ_k}), θ_k ~ U[0, 2π), z_0 = 1_d: z_{t,k} = e^{i·t·θ_k}.
    public static func unitary(product: Matrix, positionalWeights: Matrix, samples: Int,
                               generator: inout SeededGenerator) -> MonteCarloEstimate {
        var model = EigenbasisModel(product: product, positionalWeights: positionalWeights)
        let d = model.dimension
        return estimate(samples: samples) {
            for k in 0..<d {
                let theta = 2 * Double.pi * generator.nextUniform()
                for t in 0..<model.tokenCount {
                    model.tokensReal[t * d + k] = cos(Double(t) * theta)
                    model.tokensImaginary[t * d + k] = sin(Double(t) * theta)
                }
            }
            return model.sequenceLoss()
        }
    }

    /// The `rotations` family: W = blockdiag(R(θ_j)), R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]], θ_j ~ U[0, 2π), real
    /// s_0 = 1_d, so s_t = W^t·1_d; the model reads z_t = Uᴴ s_t with U = blockdiag([u, conj(u)]), u = (1, −i)/√2,
    /// the orthonormal eigenvectors of eigenvalues e^{iθ_j} (index 2j) and e^{−iθ_j} (index 2j+1).
    ///
    /// A note on the basis: z_{0,k} = (1 ± i)/√2 is not 1, but it has modulus one, and that is all the closed form
    /// needs: conj(z_{q,k})·z_{t',k} = λ_k^{t'−q}, so every error coordinate i is z_{0,i} times the error at z_0 = 1_d.
    /// Applying the same formula to the real s_t instead (the naive real-basis model) loses the conjugate pairing and
    /// gives a different loss.
    public static func rotations(product: Matrix, positionalWeights: Matrix, samples: Int,
                                 generator: inout SeededGenerator) -> MonteCarloEstimate {
        var model = EigenbasisModel(product: product, positionalWeights: positionalWeights)
        let d = model.dimension
        precondition(d % 2 == 0, "rotations need an even dimension d")
        let invRoot2 = 1 / 2.0.squareRoot()
        return estimate(samples: samples) {
            for j in 0..<(d / 2) {
                let theta = 2 * Double.pi * generator.nextUniform()
                for t in 0..<model.tokenCount {
                    // s_t = R(θ)^t·(1, 1) = R(tθ)·(1, 1)
                    let cosine = cos(Double(t) * theta), sine = sin(Double(t) * theta)
                    let first = cosine - sine, second = sine + cosine
                    // z_{2j} = uᴴ s = (s_{2j} + i·s_{2j+1})/√2,  z_{2j+1} = uᵀ s = (s_{2j} − i·s_{2j+1})/√2
                    model.tokensReal[t * d + 2 * j] = first * invRoot2
                    model.tokensImaginary[t * d + 2 * j] = second * invRoot2
                    model.tokensReal[t * d + 2 * j + 1] = first * invRoot2
                    model.tokensImaginary[t * d + 2 * j + 1] = -second * invRoot2
                }
            }
            return model.sequenceLoss()
        }
    }

    static func estimate(samples: Int, _ drawLoss: () -> Double) -> MonteCarloEstimate {
        precondition(samples >= 2, "a standard error needs at least two samples")
        // Welford's running mean and sum of squared deviations.
        var mean = 0.0, squaredDeviations = 0.0
        for n in 1...samples {
            let x = drawLoss()
            let delta = x - mean
            mean += delta / Double(n)
            squaredDeviations += delta * (x - mean)
        }
        let variance = squaredDeviations / Double(samples - 1)
        return MonteCarloEstimate(mean: mean, standardError: (variance / Double(samples)).squareRoot(),
                                  samples: samples)
    }
}

/// The model applied to one complex sequence z_0 … z_T (in W's eigenbasis), with all buffers allocated once.
struct EigenbasisModel {
    let dimension: Int
    let contextLength: Int
    var tokenCount: Int { contextLength + 1 }
    let product: [Double]
    let positionalWeights: [Double]
    /// z_t, row t, (T+1)×d.
    var tokensReal: [Double]
    var tokensImaginary: [Double]
    /// Column (q, t') holds u = conj(z_q) ⊙ z_{t'}: the real parts in columns 0..<N, the imaginary ones in N..<2N.
    var keyProducts: [Double]
    /// C·u for every column.
    var mappedKeyProducts: [Double]
    let columnCount: Int

    init(product: Matrix, positionalWeights: Matrix) {
        precondition(product.rows == product.columns, "C must be square")
        precondition(positionalWeights.rows == positionalWeights.columns && positionalWeights.rows >= 2,
                     "P must be T×T with T ≥ 2")
        dimension = product.rows
        contextLength = positionalWeights.rows
        self.product = product.elements
        self.positionalWeights = positionalWeights.elements
        tokensReal = [Double](repeating: 0, count: (contextLength + 1) * dimension)
        tokensImaginary = tokensReal
        // rows q = 0 … T−2, keys t' = 0 … q+1
        columnCount = (0..<(contextLength - 1)).reduce(0) { $0 + $1 + 2 }
        keyProducts = [Double](repeating: 0, count: dimension * 2 * columnCount)
        mappedKeyProducts = keyProducts
    }

    /// Σ_t Σ_i |pred_i − z_{q+2,i}|² for the tokens currently stored.
    mutating func sequenceLoss() -> Double {
        let d = dimension, T = contextLength, n = columnCount, width = 2 * columnCount
        // u_{(q,t'),k} = conj(z_{q,k})·z_{t',k}
        var column = 0
        for q in 0..<(T - 1) {
            for key in 0...(q + 1) {
                for k in 0..<d {
                    let qr = tokensReal[q * d + k], qi = tokensImaginary[q * d + k]
                    let kr = tokensReal[key * d + k], ki = tokensImaginary[key * d + k]
                    keyProducts[k * width + column] = qr * kr + qi * ki
                    keyProducts[k * width + n + column] = qr * ki - qi * kr
                }
                column += 1
            }
        }
        // C·u for all columns at once (C is real, so real and imaginary parts map separately).
        LinearAlgebra.gemm(transposeA: false, transposeB: false, m: d, n: width, k: d, alpha: 1,
                           a: product, lda: d, b: keyProducts, ldb: width,
                           beta: 0, c: &mappedKeyProducts, ldc: width)
        var loss = 0.0
        column = 0
        for q in 0..<(T - 1) {
            let firstColumn = column
            for i in 0..<d {
                // pred_i = Σ_{t'} p_{t'}·(C·u_{t'})_i·z_{t',i}
                var predReal = 0.0, predImaginary = 0.0
                for key in 0...(q + 1) {
                    let weight = positionalWeights[q * T + key]
                    let mr = mappedKeyProducts[i * width + firstColumn + key]
                    let mi = mappedKeyProducts[i * width + n + firstColumn + key]
                    let zr = tokensReal[key * d + i], zi = tokensImaginary[key * d + i]
                    predReal += weight * (mr * zr - mi * zi)
                    predImaginary += weight * (mr * zi + mi * zr)
                }
                let errorReal = predReal - tokensReal[(q + 2) * d + i]
                let errorImaginary = predImaginary - tokensImaginary[(q + 2) * d + i]
                loss += errorReal * errorReal + errorImaginary * errorImaginary
            }
            column += q + 2
        }
        return loss
    }
}
