import CLinearAlgebra

/// A dense row-major matrix of Doubles, the unit of the closed-form and theory code.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var elements: [Double]

    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(elements.count == rows * columns, "Matrix: \(elements.count) elements for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.init(rows: rows, columns: columns, elements: Array(repeating: value, count: rows * columns))
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t[j, i] = self[i, j] } }
        return t
    }

    public var frobeniusNorm: Double { elements.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    public var trace: Double {
        var sum = 0.0
        for i in 0..<min(rows, columns) { sum += self[i, i] }
        return sum
    }

    /// self · other through BLAS dgemm.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let k2 = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        precondition(k == k2, "Matrix product: inner dimensions \(k) and \(k2) differ")
        var result = Matrix(rows: m, columns: n)
        LinearAlgebra.gemm(transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                           alpha: 1, a: elements, lda: columns, b: other.elements, ldb: other.columns,
                           beta: 0, c: &result.elements, ldc: n)
        return result
    }

    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.multiplied(by: rhs) }

    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "Matrix difference: shapes differ")
        return Matrix(rows: lhs.rows, columns: lhs.columns, elements: zip(lhs.elements, rhs.elements).map { $0 - $1 })
    }

    public static func * (scale: Double, matrix: Matrix) -> Matrix {
        Matrix(rows: matrix.rows, columns: matrix.columns, elements: matrix.elements.map { scale * $0 })
    }

    /// self · vector.
    public func applied(to vector: [Double]) -> [Double] {
        precondition(vector.count == columns, "Matrix-vector product: \(vector.count) entries for \(columns) columns")
        var result = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var sum = 0.0
            for j in 0..<columns { sum += elements[i * columns + j] * vector[j] }
            result[i] = sum
        }
        return result
    }
}
