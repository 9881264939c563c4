import NumericCore
import Testing
import TokenEmbeddings

@Suite struct AutoregressiveFitTests {
    static func gaussianMatrix(rows: Int, columns: Int, generator: inout SeededGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in generator.nextGaussian() })
    }

    static func haar(_ d: Int, generator: inout SeededGenerator) throws -> Matrix {
        try HaarSampler.orthogonal(d, generator: &generator)
    }

    /// The sequence whose row t is column `columnIndices[t]` of q.
    static func sequence(ofColumns columnIndices: [Int], of q: Matrix) -> Matrix {
        var result = Matrix(rows: columnIndices.count, columns: q.rows)
        for (t, column) in columnIndices.enumerated() { for i in 0..<q.rows { result[t, i] = q[i, column] } }
        return result
    }

    static func maximumDifference(_ a: Matrix, _ b: Matrix) -> Double {
        zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func minimumNormLeastSquaresWithCutoff() throws {
        // A = [[1, 0], [1, 0]] has rank 1: the least-squares solutions of A x = (1, 3) are (2, free); the minimum
        // norm one is (2, 0).
        let x = try LinearAlgebra.leastSquares(Matrix(rows: 2, columns: 2, elements: [1, 0, 1, 0]),
                                               Matrix(rows: 2, columns: 1, elements: [1, 3]), relativeCutoff: 1e-12)
        #expect(abs(x[0, 0] - 2) < 1e-12 && abs(x[1, 0]) < 1e-12)
        // diag(1, 1e-3) x = (1, 1): the small singular value counts below the cutoff and not above it.
        let a = Matrix(rows: 2, columns: 2, elements: [1, 0, 0, 1e-3])
        let b = Matrix(rows: 2, columns: 1, elements: [1, 1])
        let truncated = try LinearAlgebra.leastSquares(a, b, relativeCutoff: 1e-2)
        let kept = try LinearAlgebra.leastSquares(a, b, relativeCutoff: 1e-6)
        #expect(abs(truncated[0, 0] - 1) < 1e-12 && abs(truncated[1, 0]) < 1e-12)
        #expect(abs(kept[1, 0] - 1000) < 1e-9)
        #expect(LinearAlgebra.defaultRelativeCutoff(rows: 4, columns: 384) == 384 * Double.ulpOfOne)
    }

    @Test func trulyAutoregressiveSequencesAreRegeneratedExactly() throws {
        // s_{t+1} = W s_t with W orthogonal: 4 pairs in 3 dimensions (overdetermined), the fit is still exact.
        var generator = SeededGenerator(seed: 11)
        for d in [3, 8] {
            let w = try Self.haar(d, generator: &generator)
            var s = Matrix(rows: 5, columns: d)
            for i in 0..<d { s[0, i] = generator.nextGaussian() }
            for t in 1..<5 {
                let next = w.applied(to: (0..<d).map { s[t - 1, $0] })
                for i in 0..<d { s[t, i] = next[i] }
            }
            #expect(try AutoregressiveFit.regenerationError(of: s) < 1e-26)
            // With d = 3 the inputs span the space, so the fit recovers W itself.
            if d == 3 { #expect(Self.maximumDifference(try AutoregressiveFit.transitionMap(of: s), w) < 1e-10) }
        }
        // A random (not autoregressive) sequence in 3 dimensions cannot be fitted exactly.
        let random = Self.gaussianMatrix(rows: 5, columns: 3, generator: &generator)
        #expect(try AutoregressiveFit.regenerationError(of: random) > 1e-6)
    }

    @Test func theFitIsExactAndMinimumNormForIndependentInputs() throws {
        var generator = SeededGenerator(seed: 12)
        let d = 10
        let s = Self.gaussianMatrix(rows: 5, columns: d, generator: &generator)
        let map = try AutoregressiveFit.transitionMap(of: s)
        // Â s_t = s_{t+1} for the four pairs.
        for t in 0..<4 {
            let image = map.applied(to: (0..<d).map { s[t, $0] })
            #expect((0..<d).map { abs(image[$0] - s[t + 1, $0]) }.max()! < 1e-10)
        }
        // Minimum norm: Â vanishes on the orthogonal complement of span(s_0 … s_3), so Â v = Â P v for any v,
        // with P v the least-squares projection of v on the inputs.
        let v = (0..<d).map { _ in generator.nextGaussian() }
        let inputs = Matrix(rows: 4, columns: d, elements: Array(s.elements[0..<(4 * d)]))
        let coefficients = try LinearAlgebra.leastSquares(inputs.transposed, Matrix(rows: d, columns: 1, elements: v))
        let projection = inputs.transposed.multiplied(by: coefficients).elements
        let direct = map.applied(to: v), projected = map.applied(to: projection)
        #expect((0..<d).map { abs(direct[$0] - projected[$0]) }.max()! < 1e-10)
        #expect(try AutoregressiveFit.regenerationError(of: s) < 1e-26)
    }

    @Test func inconsistentRepeatGivesTheHandDerivedError() throws {
        // Sequence a, a, b, c, e with a, b, c, e orthonormal. The pairs are a→a, a→b, b→c, c→e, so the minimum-norm
        // map sends a to (a + b)/2, b to c, c to e, and e (not an input) to 0. Regenerating from a:
        //   ŝ_1 = (a+b)/2,  ŝ_2 = (a+b)/4 + c/2,  ŝ_3 = (a+b)/8 + c/4 + e/2,  ŝ_4 = (a+b)/16 + c/8 + e/4,
        // squared errors against a, b, c, e: 1/2, 7/8, 27/32, 75/128; total 359/128, MSE = 359 / (128 · 4 d).
        // The orthonormal vectors are columns of a Haar matrix in d = 384, the dimension of MiniLM: the repeated
        // row makes S_in exactly rank-deficient there, which is where a too small cutoff blows the fit up.
        var generator = SeededGenerator(seed: 13)
        let d = 384
        let q = try Self.haar(d, generator: &generator)
        let s = Self.sequence(ofColumns: [0, 0, 1, 2, 3], of: q)
        let expected = 359.0 / (128.0 * 4.0 * Double(d))
        #expect(abs(try AutoregressiveFit.regenerationError(of: s) - expected) < 1e-12 * expected)
    }

    @Test func consistentRepeatsAreExactInconsistentOnesAreNot() throws {
        var generator = SeededGenerator(seed: 14)
        let q = try Self.haar(12, generator: &generator)
        // Columns as token ids: a repeated token followed by the same token each time is fine.
        for columns in [[0, 1, 0, 1, 0], [0, 1, 2, 0, 1], [0, 1, 2, 3, 0], [0, 0, 0, 0, 0]] {
            #expect(try AutoregressiveFit.regenerationError(of: Self.sequence(ofColumns: columns, of: q)) < 1e-26)
        }
        for columns in [[0, 1, 2, 0, 2], [0, 0, 1, 2, 3], [0, 1, 0, 2, 4], [0, 1, 1, 2, 3]] {
            #expect(try AutoregressiveFit.regenerationError(of: Self.sequence(ofColumns: columns, of: q)) > 1e-4)
        }
    }

    @Test func coefficientRegenerationEqualsRegenerationWithTheFullMap() throws {
        var generator = SeededGenerator(seed: 15)
        let q = try Self.haar(8, generator: &generator)
        // Non-orthogonal tokens with an inconsistent repeat: s = a, b, a, c, d with a, b, c, d mixed columns.
        let mix = Self.gaussianMatrix(rows: 8, columns: 8, generator: &generator).multiplied(by: q)
        let s = Self.sequence(ofColumns: [0, 1, 0, 2, 3], of: mix)
        let viaCoefficients = try AutoregressiveFit.regeneratedSequence(of: s)
        let viaMap = AutoregressiveFit.regenerated(from: (0..<8).map { s[0, $0] },
                                                   transitionMap: try AutoregressiveFit.transitionMap(of: s), length: 5)
        #expect(Self.maximumDifference(viaCoefficients, viaMap) < 1e-10)
        #expect(Self.maximumDifference(viaCoefficients, s) > 1e-3)
    }
}
