import CLinearAlgebra

extension LinearAlgebra {
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
}
