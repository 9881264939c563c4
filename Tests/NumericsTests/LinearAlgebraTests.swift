import NumericCore
import Testing

@Suite struct LinearAlgebraTests {
    @Test func orthogonalFactorIsOrthogonalWithPositiveDiagonalR() throws {
        var generator = SeededGenerator(seed: 5)
        let a = Matrix(rows: 6, columns: 6, elements: (0..<36).map { _ in generator.nextGaussian() })
        let q = try LinearAlgebra.orthogonalFactor(ofSquare: a)
        #expect((q.multiplied(by: q, transposeSelf: true) - Matrix.identity(6)).frobeniusNorm < 1e-13)
        // R = QᵀA must be upper triangular with a positive diagonal (the sign fix).
        let r = q.multiplied(by: a, transposeSelf: true)
        for i in 0..<6 {
            #expect(r[i, i] > 0)
            for j in 0..<i { #expect(abs(r[i, j]) < 1e-12) }
        }
    }

    @Test func singularValuesOfARectangularMatrix() throws {
        // diag(3, 2) padded with a zero column, rows permuted: singular values 3 and 2.
        let m = Matrix(rows: 2, columns: 3, elements: [0, 2, 0, 3, 0, 0])
        let values = try LinearAlgebra.singularValues(of: m)
        #expect(values.count == 2)
        #expect(abs(values[0] - 3) < 1e-14 && abs(values[1] - 2) < 1e-14, "\(values)")
    }

    @Test func symmetricEigenvaluesAndLeastSquares() throws {
        let s = Matrix(rows: 2, columns: 2, elements: [2, 1, 1, 2])
        let eigenvalues = try LinearAlgebra.symmetricEigenvalues(of: s)
        #expect(abs(eigenvalues[0] - 1) < 1e-14 && abs(eigenvalues[1] - 3) < 1e-14)
        // Minimum-norm solution of x + y = 2 is (1, 1).
        let x = try LinearAlgebra.leastSquares(Matrix(rows: 1, columns: 2, elements: [1, 1]), Matrix(rows: 1, columns: 1, elements: [2]))
        #expect(abs(x[0, 0] - 1) < 1e-14 && abs(x[1, 0] - 1) < 1e-14, "\(x)")
    }

    @Test func generatorIsReproducibleAndGaussianMomentsHold() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        var g = SeededGenerator(seed: 1)
        let n = 20000
        let samples = (0..<n).map { _ in g.nextGaussian() }
        let mean = samples.reduce(0, +) / Double(n)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Standard errors: 1/√n for the mean, √(2/n) for the variance.
        #expect(abs(mean) < 4 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 4 * (2 / Double(n)).squareRoot())
        let permutation = g.permutation(50)
        #expect(permutation.sorted() == Array(0..<50))
    }
}
