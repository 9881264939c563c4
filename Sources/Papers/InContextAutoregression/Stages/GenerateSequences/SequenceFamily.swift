import Foundation
import NumericCore

/// The sequence families of PAPER.md §1: s_{t+1} = W s_t with W orthogonal (or unitary), drawn afresh per sequence.
enum SequenceFamily: String, CaseIterable {
    /// Haar-random W ∈ O(d) (QR of a Gaussian matrix, sign-fixed), s_0 = 1_d/√d; non-commuting.
    case haar
    /// W = blockdiag(R(θ_j)), θ_j ~ U[0, 2π), s_0 = 1_d; commuting.
    case rotations
    /// W = diag(e^{iθ_k}), θ_k ~ U[0, 2π), s_0 = 1_d (complex); commuting.
    case unitary
    /// Scalar λ = e^{iθ/μ}, θ ~ U[0, 2π), s_0 = 1.
    case phase
    /// W Haar in SO(3), s_0 uniform on the unit sphere (orbits are circles on the sphere).
    case so3

    var isComplex: Bool { self == .unitary || self == .phase }
}

/// One split (train or test) of generated sequences, row-major [count, steps + 1, d].
struct GeneratedSequences {
    var real: [Double]
    var imaginary: [Double]
    /// W per sequence [count, d, d] for real families; the angles θ [count, d] (or [count, 1]) for complex ones.
    var matrices: [Double]
    var angles: [Double]
}

enum SequenceGenerator {
    /// Draws `count` sequences of `steps + 1` tokens in dimension d.
    static func generate(_ family: SequenceFamily, count: Int, steps: Int, dimension d: Int, mu: Double,
                         generator: inout SeededGenerator,
                         progress: (Int) -> Void = { _ in }) throws -> GeneratedSequences {
        let tokens = steps + 1
        var out = GeneratedSequences(real: [Double](repeating: 0, count: count * tokens * d),
                                     imaginary: family.isComplex ? [Double](repeating: 0, count: count * tokens * d) : [],
                                     matrices: family.isComplex ? [] : [Double](repeating: 0, count: count * d * d),
                                     angles: [])
        for n in 0..<count {
            if n % 256 == 0 { progress(n) }
            let base = n * tokens * d
            switch family {
            case .haar, .so3, .rotations:
                let w = try orthogonalMatrix(family, dimension: d, generator: &generator)
                var s = initialToken(family, dimension: d, generator: &generator)
                out.matrices.replaceSubrange((n * d * d)..<((n + 1) * d * d), with: w.elements)
                for t in 0..<tokens {
                    out.real.replaceSubrange((base + t * d)..<(base + (t + 1) * d), with: s)
                    // s_{t+1} = W s_t
                    s = w.applied(to: s)
                }
            case .unitary, .phase:
                let thetas = (0..<d).map { _ in 2 * Double.pi * generator.nextUniform() }
                out.angles.append(contentsOf: thetas)
                for k in 0..<d {
                    // λ_k = e^{iθ_k} (unitary) or e^{iθ/μ} (phase); s_{t,k} = λ_k^t, computed as e^{i t φ} for accuracy.
                    let phase = family == .phase ? thetas[k] / mu : thetas[k]
                    for t in 0..<tokens {
                        out.real[base + t * d + k] = cos(Double(t) * phase)
                        out.imaginary[base + t * d + k] = sin(Double(t) * phase)
                    }
                }
            }
        }
        progress(count)
        return out
    }

    static func orthogonalMatrix(_ family: SequenceFamily, dimension d: Int,
                                 generator: inout SeededGenerator) throws -> Matrix {
        switch family {
        case .rotations:
            var w = Matrix(rows: d, columns: d)
            for j in 0..<(d / 2) {
                let theta = 2 * Double.pi * generator.nextUniform()
                // R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]
                w[2 * j, 2 * j] = cos(theta)
                w[2 * j, 2 * j + 1] = -sin(theta)
                w[2 * j + 1, 2 * j] = sin(theta)
                w[2 * j + 1, 2 * j + 1] = cos(theta)
            }
            return w
        default:
            var q = try HaarSampler.orthogonal(d, generator: &generator)
            if family == .so3, determinant3(q) < 0 {
                // Flipping one column maps the reflections of O(3) onto SO(3), keeping the Haar measure.
                for i in 0..<3 { q[i, 0] = -q[i, 0] }
            }
            return q
        }
    }

    static func initialToken(_ family: SequenceFamily, dimension d: Int, generator: inout SeededGenerator) -> [Double] {
        switch family {
        case .haar: return [Double](repeating: 1 / Double(d).squareRoot(), count: d)
        case .so3:
            let g = (0..<d).map { _ in generator.nextGaussian() }
            let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return g.map { $0 / norm }
        default: return [Double](repeating: 1, count: d)
        }
    }

    static func determinant3(_ m: Matrix) -> Double {
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0])
    }
}
