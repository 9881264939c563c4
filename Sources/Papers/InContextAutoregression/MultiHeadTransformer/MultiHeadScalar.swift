import NumericCore

/// The precisions the network runs in: Float32 for training, Float64 for gradient checks (see `BLASScalar`).
public typealias MultiHeadScalar = BLASScalar
