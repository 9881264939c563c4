import CLinearAlgebra

/// Every dense product and factorisation of the project goes through here: OpenBLAS and LAPACKE, row-major.
public enum LinearAlgebra {
    /// Threads OpenBLAS may use per call. Stages run it with one (the engine sets OPENBLAS_NUM_THREADS) and split
    /// products themselves by rows of the result, so their bytes do not depend on the thread count.
    public static func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }

    /// The kernel family OpenBLAS picked for this CPU (e.g. "Haswell", "SkylakeX").
    public static var blasCoreName: String { String(cString: openblas_get_corename()) }

    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The Q factor of a square matrix's QR factorisation, with column signs fixed so that diag(R) > 0.
    ///
    /// A note on the sign fix: LAPACK's Householder QR leaves the signs of diag(R) arbitrary; multiplying the columns
    /// of Q by sign(R_ii) makes the factorisation unique, which is what makes Q Haar-distributed for Gaussian input
    /// (Mezzadri 2007).
    public static func orthogonalFactor(ofSquare matrix: Matrix) throws -> Matrix {
        precondition(matrix.rows == matrix.columns, "orthogonalFactor needs a square matrix")
        let n = matrix.rows
        var a = matrix.elements
        var tau = [Double](repeating: 0, count: n)
        var info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &a, Int32(n), &tau)
        guard info == 0 else { throw NumericsError.lapack(routine: "dgeqrf", info: Int(info)) }
        let diagonalSigns = (0..<n).map { a[$0 * n + $0] < 0 ? -1.0 : 1.0 }
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(n), Int32(n), Int32(n), &a, Int32(n), tau)
        guard info == 0 else { throw NumericsError.lapack(routine: "dorgqr", info: Int(info)) }
        var q = Matrix(rows: n, columns: n, elements: a)
        for i in 0..<n { for j in 0..<n { q[i, j] *= diagonalSigns[j] } }
        return q
    }

    /// Singular values in decreasing order (LAPACKE dgesdd, no vectors).
    public static func singularValues(of matrix: Matrix) throws -> [Double] {
        var a = matrix.elements
        let count = min(matrix.rows, matrix.columns)
        var s = [Double](repeating: 0, count: count)
        // LAPACKE (3.11) checks ldu ≥ 1 and ldvt ≥ n in row-major layout even when no vectors are computed.
        var unusedU = [Double](repeating: 0, count: 1)
        var unusedV = [Double](repeating: 0, count: matrix.columns)
        let info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int32(matrix.rows),
                                  Int32(matrix.columns), &a, Int32(matrix.columns), &s, &unusedU, 1, &unusedV,
                                  Int32(matrix.columns))
        guard info == 0 else { throw NumericsError.lapack(routine: "dgesdd", info: Int(info)) }
        return s
    }

    /// Eigenvalues of a symmetric matrix in increasing order (LAPACKE dsyev).
    public static func symmetricEigenvalues(of matrix: Matrix) throws -> [Double] {
        precondition(matrix.rows == matrix.columns, "symmetricEigenvalues needs a square matrix")
        var a = matrix.elements
        var w = [Double](repeating: 0, count: matrix.rows)
        let info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "U")),
                                 Int32(matrix.rows), &a, Int32(matrix.rows), &w)
        guard info == 0 else { throw NumericsError.lapack(routine: "dsyev", info: Int(info)) }
        return w
    }

    /// Eigenvalues of a general square matrix (LAPACKE dgeev, no vectors), as real and imaginary parts in LAPACK's
    /// order (complex conjugate pairs adjacent, positive imaginary part first).
    public static func generalEigenvalues(of matrix: Matrix) throws -> (real: [Double], imaginary: [Double]) {
        precondition(matrix.rows == matrix.columns, "generalEigenvalues needs a square matrix")
        let n = matrix.rows
        var a = matrix.elements
        var real = [Double](repeating: 0, count: n)
        var imaginary = [Double](repeating: 0, count: n)
        var unusedLeft = [Double](repeating: 0, count: 1)
        var unusedRight = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "N")), Int32(n), &a,
                                 Int32(n), &real, &imaginary, &unusedLeft, 1, &unusedRight, 1)
        guard info == 0 else { throw NumericsError.lapack(routine: "dgeev", info: Int(info)) }
        return (real, imaginary)
    }

    /// Minimum-norm least-squares solution X of A X ≈ B (LAPACKE dgelsd); A is m×n, B is m×nrhs. Singular values
    /// σ_i ≤ relativeCutoff · σ_max of A count as zero; the default −1 means machine epsilon.
    ///
    /// A note on the cutoff: when A has exactly repeated rows, its computed "zero" singular values come out around
    /// 1e-16 · σ_max, sometimes just above epsilon; dgelsd then divides by them and X explodes (MSEs of 1e80 in the
    /// token experiment). NumPy and PyTorch default to max(m, n) · ε, which `defaultRelativeCutoff` gives.
    public static func leastSquares(_ a: Matrix, _ b: Matrix, relativeCutoff: Double = -1) throws -> Matrix {
        precondition(a.rows == b.rows, "leastSquares: A and B need the same number of rows")
        let m = a.rows, n = a.columns, nrhs = b.columns
        let ldb = max(m, n)
        var aElements = a.elements
        var bElements = [Double](repeating: 0, count: ldb * nrhs)
        bElements.replaceSubrange(0..<(m * nrhs), with: b.elements)
        var s = [Double](repeating: 0, count: min(m, n))
        var rank: Int32 = 0
        let info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(nrhs), &aElements, Int32(n),
                                  &bElements, Int32(nrhs), &s, relativeCutoff, &rank)
        guard info == 0 else { throw NumericsError.lapack(routine: "dgelsd", info: Int(info)) }
        return Matrix(rows: n, columns: nrhs, elements: Array(bElements[0..<(n * nrhs)]))
    }

    /// max(m, n) · ε, the default cutoff of numpy.linalg.lstsq and torch.linalg.lstsq, for an m×n matrix A.
    public static func defaultRelativeCutoff(rows: Int, columns: Int) -> Double {
        Double(max(rows, columns)) * Double.ulpOfOne
    }
}

public enum NumericsError: Error, CustomStringConvertible {
    case lapack(routine: String, info: Int)

    public var description: String {
        switch self {
        case let .lapack(routine, info): return "LAPACK \(routine) failed with info = \(info)"
        }
    }
}
