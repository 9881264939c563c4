import NumericCore

/// The element type of the network: Float for training, Double for the gradient check (see `BLASScalar`).
public typealias TransformerScalar = BLASScalar
