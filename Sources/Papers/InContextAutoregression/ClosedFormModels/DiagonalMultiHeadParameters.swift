import NumericCore

/// Parameters of the diagonal linear multi-head model of PAPER.md §2–3.
///
/// Head h reads the tokens through row h of A (query side) and row h of B (value side), A, B ∈ R^{H×d}; summed over
/// heads they act only through C = BᵀA ∈ R^{d×d}. The positional weights P ∈ R^{T×T} weigh key t' in row t.
public struct DiagonalMultiHeadParameters: Equatable, Sendable {
    /// A ∈ R^{H×d}.
    public var a: Matrix
    /// B ∈ R^{H×d}.
    public var b: Matrix
    /// P ∈ R^{T×T}; row t (t = 0 … T−2) uses P[t, 0…t+1].
    public var positionalWeights: Matrix

    public var heads: Int { a.rows }
    public var dimension: Int { a.columns }
    public var contextLength: Int { positionalWeights.rows }

    public init(a: Matrix, b: Matrix, positionalWeights: Matrix) {
        precondition(a.rows == b.rows && a.columns == b.columns, "A and B must have the same shape H×d")
        precondition(positionalWeights.rows == positionalWeights.columns, "P must be square (T×T)")
        self.a = a
        self.b = b
        self.positionalWeights = positionalWeights
    }

    /// Entries scale·N(0, 1), drawn from `generator` in the order A, B, P, each row-major (the paper uses scale 0.1).
    public init(heads: Int, dimension: Int, contextLength: Int, scale: Double = 0.1,
                generator: inout SeededGenerator) {
        func draw(_ rows: Int, _ columns: Int) -> Matrix {
            var elements = [Double](repeating: 0, count: rows * columns)
            for index in elements.indices { elements[index] = scale * generator.nextGaussian() }
            return Matrix(rows: rows, columns: columns, elements: elements)
        }
        let a = draw(heads, dimension)
        let b = draw(heads, dimension)
        let p = draw(contextLength, contextLength)
        self.init(a: a, b: b, positionalWeights: p)
    }

    /// All zeros, with the shapes of `self` (used for gradients).
    public var zeroed: DiagonalMultiHeadParameters {
        DiagonalMultiHeadParameters(a: Matrix(rows: heads, columns: dimension),
                                    b: Matrix(rows: heads, columns: dimension),
                                    positionalWeights: Matrix(rows: contextLength, columns: contextLength))
    }

    /// C = BᵀA ∈ R^{d×d}, the only combination of A and B the loss sees.
    public var product: Matrix { b.multiplied(by: a, transposeSelf: true) }
}
