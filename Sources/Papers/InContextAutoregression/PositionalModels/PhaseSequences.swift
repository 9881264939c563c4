import ComplexModule
import RealModule
import NumericCore

/// A batch of scalar complex sequences s_0 … s_n (PAPER.md §1, family `phase`): s_{t+1} = λ s_t, s_0 = 1,
/// λ = e^{iθ/μ}, θ ~ U[0, 2π), one θ per sequence.
///
/// Stored as two row-major count × tokens arrays (real and imaginary parts), the layout a stage reads from or writes
/// to HDF5. Fig. 6 uses n = T = 30 steps, i.e. 31 tokens: inputs s_0 … s_{T−1}, targets up to s_T.
public struct PhaseSequences: Sendable {
    /// Number of sequences b.
    public let count: Int
    /// Number of tokens per sequence, n + 1.
    public let tokens: Int
    /// Re s_{i,t} at i * tokens + t.
    public let real: [Double]
    /// Im s_{i,t} at i * tokens + t.
    public let imaginary: [Double]

    /// Sequences given by their values (e.g. read back from the sequence generator stage's output).
    public init(count: Int, tokens: Int, real: [Double], imaginary: [Double]) {
        precondition(real.count == count * tokens && imaginary.count == count * tokens,
                     "PhaseSequences: expected \(count * tokens) values per part")
        self.count = count
        self.tokens = tokens
        self.real = real
        self.imaginary = imaginary
    }

    /// s_{i,t} = e^{i t θ_i / μ} for t = 0 … steps.
    ///
    /// A note on computing λ^t directly: the reference multiplies s ← λ s repeatedly in complex64; evaluating the
    /// phase t θ/μ and taking cos/sin keeps |s_t| = 1 to the last bit, which the K-form identity of the loss relies on.
    public init(angles: [Double], mu: Double, steps: Int) {
        let tokens = steps + 1
        var real = [Double](repeating: 0, count: angles.count * tokens)
        var imaginary = real
        for (i, theta) in angles.enumerated() {
            for t in 0..<tokens {
                let s = Complex(length: 1, phase: Double(t) * theta / mu)
                real[i * tokens + t] = s.real
                imaginary[i * tokens + t] = s.imaginary
            }
        }
        self.init(count: angles.count, tokens: tokens, real: real, imaginary: imaginary)
    }

    /// θ_i = 2π u_i with u_i uniform on [0, 1), drawn in order from `generator`.
    public static func sampleAngles(count: Int, generator: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in 2 * Double.pi * generator.nextUniform() }
    }

    /// `count` fresh sequences of `steps` steps with phase scale μ.
    public static func sample(count: Int, mu: Double, steps: Int, generator: inout SeededGenerator) -> PhaseSequences {
        PhaseSequences(angles: sampleAngles(count: count, generator: &generator), mu: mu, steps: steps)
    }

    public subscript(sequence: Int, token: Int) -> Complex<Double> {
        Complex(real[sequence * tokens + token], imaginary[sequence * tokens + token])
    }
}
