import CLinearAlgebra

extension LinearAlgebra {
    /// Minimum-norm least-squares solution X of A X ≈ B (LAPACKE dgelsd), A is m×n, B is m×nrhs, with the singular
    /// values σ_i ≤ relativeCutoff · σ_max of A treated as zero.
    ///
    /// A note on the cutoff: `leastSquares(_:_:)` passes rcond = -1 (machine epsilon). When A has exactly repeated
    /// rows, its computed "zero" singular values come out around 1e-16 · σ_max, sometimes just above epsilon; dgelsd
    /// then divides by them and X explodes (MSEs of 1e80 in the token experiment). NumPy and PyTorch default to
    /// max(m, n) · epsilon, which `defaultRelativeCutoff` gives.
    public static func leastSquares(_ a: Matrix, _ b: Matrix, relativeCutoff: Double) throws -> Matrix {
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
