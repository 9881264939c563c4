import NumericCore

/// A zero-initialised, row-major block of scalars with a shape, owned by whoever made it and freed with it.
///
/// Layers read and write activations through raw pointers so that every product can go straight to BLAS; a Tensor is
/// the owner of such a block. It is a class so that a layer can keep a reference to the activation it must revisit
/// in its backward pass without copying it.
public final class Tensor<Scalar: BLASScalar> {
    public let shape: [Int]
    public let count: Int
    public let pointer: UnsafeMutablePointer<Scalar>

    public init(_ shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ shape: [Int], values: [Scalar]) {
        self.init(shape)
        precondition(values.count == count, "Tensor: \(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    deinit { pointer.deallocate() }

    public subscript(index: Int) -> Scalar {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public var values: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func fill(_ value: Scalar, count filled: Int? = nil) {
        pointer.update(repeating: value, count: filled ?? count)
    }

    public func copy(from other: Tensor<Scalar>, count copied: Int? = nil) {
        let n = copied ?? count
        precondition(n <= count && n <= other.count, "Tensor.copy: \(n) scalars do not fit")
        pointer.update(from: other.pointer, count: n)
    }
}
