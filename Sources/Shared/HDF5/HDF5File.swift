import CHDF5
import HDF5Shim

/// An HDF5 file opened for writing or reading through libhdf5.
///
/// A note on reproducibility: object modification times are switched off on every dataset and group, so the same
/// data written twice gives byte-identical files, which keeps content hashes stable run to run.
public final class HDF5File {
    public let path: String
    private var fileID: hid_t
    private let linkCreation: hid_t

    private init(path: String, fileID: hid_t) throws {
        self.path = path
        self.fileID = fileID
        linkCreation = H5Pcreate(icar_h5p_link_create())
        H5Pset_create_intermediate_group(linkCreation, 1)
    }

    /// Creates (or truncates) a file.
    public static func create(_ path: String) throws -> HDF5File {
        icar_h5_silence_errors()
        let creation = H5Pcreate(icar_h5p_file_create())
        defer { H5Pclose(creation) }
        H5Pset_obj_track_times(creation, false)
        let access = H5Pcreate(icar_h5p_file_access())
        defer { H5Pclose(access) }
        // Pinning the format version keeps the bytes independent of library defaults.
        H5Pset_libver_bounds(access, H5F_LIBVER_V18, H5F_LIBVER_V18)
        let id = H5Fcreate(path, icar_h5f_acc_trunc(), creation, access)
        guard id >= 0 else { throw HDF5Error.cannotCreate(path) }
        return try HDF5File(path: path, fileID: id)
    }

    /// Opens an existing file read-only.
    public static func open(_ path: String) throws -> HDF5File {
        icar_h5_silence_errors()
        guard H5Fis_hdf5(path) > 0 else { throw HDF5Error.cannotOpen(path) }
        let id = H5Fopen(path, icar_h5f_acc_rdonly(), icar_h5p_default())
        guard id >= 0 else { throw HDF5Error.cannotOpen(path) }
        return try HDF5File(path: path, fileID: id)
    }

    /// Flushes and closes the file; further calls fail. Called by deinit too, but an explicit close reports errors.
    public func close() throws {
        guard fileID >= 0 else { return }
        H5Pclose(linkCreation)
        let status = H5Fclose(fileID)
        fileID = -1
        guard status >= 0 else { throw HDF5Error.cannotClose(path) }
    }

    deinit { try? close() }

    // MARK: Writing datasets

    /// Which non-finite values a dataset may hold. Every stage writes its floating-point results through `write`,
    /// which refuses NaN and ±∞ unless told otherwise: a diverged or broken computation fails its stage instead of
    /// being committed.
    public enum NonFiniteValues: Sendable {
        case refused
        /// NaN marks cells that have no value by design (a plot's masked region); ±∞ is still refused.
        case nanMeansMasked
        /// A measurement that may be infinite by definition (a condition number of a singular kernel).
        case allowed
    }

    public func write(_ name: String, _ values: [Double], shape: [Int], nonFinite: NonFiniteValues = .refused) throws {
        try Self.requireFinite(values, name: name, path: path, policy: nonFinite)
        try values.withUnsafeBytes { try writeRaw(name, $0.baseAddress, shape: shape, count: values.count, type: icar_h5t_native_double()) }
    }

    public func write(_ name: String, _ values: [Float], shape: [Int]) throws {
        try Self.requireFinite(values, name: name, path: path, policy: .refused)
        try values.withUnsafeBytes { try writeRaw(name, $0.baseAddress, shape: shape, count: values.count, type: icar_h5t_native_float()) }
    }

    private static func requireFinite<T: BinaryFloatingPoint>(_ values: [T], name: String, path: String,
                                                               policy: NonFiniteValues) throws {
        if case .allowed = policy { return }
        for (index, value) in values.enumerated() where !value.isFinite {
            if case .nanMeansMasked = policy, value.isNaN { continue }
            throw HDF5Error.nonFinite(path: path, name: name, index: index, value: Double(value))
        }
    }

    public func write(_ name: String, _ values: [Int64], shape: [Int]) throws {
        try values.withUnsafeBytes { try writeRaw(name, $0.baseAddress, shape: shape, count: values.count, type: icar_h5t_native_int64()) }
    }

    private func writeRaw(_ name: String, _ data: UnsafeRawPointer?, shape: [Int], count: Int, type: hid_t) throws {
        let expected = shape.reduce(1, *)
        guard expected == count else { throw HDF5Error.shapeMismatch(name: name, shape: shape, count: count) }
        var dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let creation = H5Pcreate(icar_h5p_dataset_create())
        defer { H5Pclose(creation) }
        H5Pset_obj_track_times(creation, false)
        try createParentGroups(of: name)
        let dataset = H5Dcreate2(fileID, name, type, space, linkCreation, creation, icar_h5p_default())
        guard dataset >= 0 else { throw HDF5Error.cannotWrite(path: path, name: name) }
        defer { H5Dclose(dataset) }
        if count > 0 {
            guard H5Dwrite(dataset, type, icar_h5s_all(), icar_h5s_all(), icar_h5p_default(), data) >= 0 else {
                throw HDF5Error.cannotWrite(path: path, name: name)
            }
        }
    }

    /// Creates the groups above `name` (e.g. `train` for `train/sequences`) without modification times; groups
    /// that libhdf5 would create implicitly would record the time and make identical data differ in bytes.
    private func createParentGroups(of name: String) throws {
        let components = name.split(separator: "/").dropLast()
        var path = ""
        for component in components {
            path += (path.isEmpty ? "" : "/") + component
            if H5Lexists(fileID, path, icar_h5p_default()) > 0 { continue }
            let groupCreation = H5Pcreate(icar_h5p_group_create())
            defer { H5Pclose(groupCreation) }
            H5Pset_obj_track_times(groupCreation, false)
            let group = H5Gcreate2(fileID, path, icar_h5p_default(), groupCreation, icar_h5p_default())
            guard group >= 0 else { throw HDF5Error.cannotWrite(path: self.path, name: path) }
            H5Gclose(group)
        }
    }

    /// Writes `name` and labels it for a reader without our source: a `description` attribute and an `axes`
    /// attribute naming each axis outermost first ("head, row, column"). The axis count must be the dataset's rank.
    public func write(_ name: String, _ values: [Double], shape: [Int], nonFinite: NonFiniteValues = .refused,
                      description: String, axes: [String]) throws {
        try requireLabels(name, shape: shape, description: description, axes: axes)
        try write(name, values, shape: shape, nonFinite: nonFinite)
        try label(name, description: description, axes: axes)
    }

    public func write(_ name: String, _ values: [Float], shape: [Int], description: String, axes: [String]) throws {
        try requireLabels(name, shape: shape, description: description, axes: axes)
        try write(name, values, shape: shape)
        try label(name, description: description, axes: axes)
    }

    public func write(_ name: String, _ values: [Int64], shape: [Int], description: String, axes: [String]) throws {
        try requireLabels(name, shape: shape, description: description, axes: axes)
        try write(name, values, shape: shape)
        try label(name, description: description, axes: axes)
    }

    private func requireLabels(_ name: String, shape: [Int], description: String, axes: [String]) throws {
        guard !description.isEmpty else { throw HDF5Error.unlabelled(path: path, name: name, problem: "an empty description") }
        guard axes.count == shape.count else {
            throw HDF5Error.unlabelled(path: path, name: name,
                                       problem: "\(axes.count) axis names (\(axes.joined(separator: ", "))) for shape \(shape)")
        }
    }

    private func label(_ name: String, description: String, axes: [String]) throws {
        try setAttribute("description", description, on: name)
        try setAttribute("axes", axes.joined(separator: ", "), on: name)
    }

    // MARK: Attributes (on the root group with object "/", or on a dataset by its name)

    /// A variable-length UTF-8 string, which h5py reads as `str` (a fixed-length one comes back as `bytes`).
    public func setAttribute(_ name: String, _ value: String, on object: String = "/") throws {
        let type = H5Tcopy(icar_h5t_c_s1())
        defer { H5Tclose(type) }
        H5Tset_size(type, Self.variableLength)
        H5Tset_cset(type, H5T_CSET_UTF8)
        let space = H5Screate(H5S_SCALAR)
        defer { H5Sclose(space) }
        try withAttribute(name, on: object, type: type, space: space) { attribute in
            value.withCString { characters in
                var pointer: UnsafePointer<CChar>? = characters
                return H5Awrite(attribute, type, &pointer)
            }
        }
    }

    /// H5T_VARIABLE, `(size_t)-1`, a macro Swift does not import.
    private static let variableLength = Int(bitPattern: UInt(bitPattern: -1))

    public func setAttribute(_ name: String, _ value: Double, on object: String = "/") throws {
        let space = H5Screate(H5S_SCALAR)
        defer { H5Sclose(space) }
        try withAttribute(name, on: object, type: icar_h5t_native_double(), space: space) { attribute in
            var v = value
            return H5Awrite(attribute, icar_h5t_native_double(), &v)
        }
    }

    public func setAttribute(_ name: String, _ value: Int, on object: String = "/") throws {
        let space = H5Screate(H5S_SCALAR)
        defer { H5Sclose(space) }
        try withAttribute(name, on: object, type: icar_h5t_native_int64(), space: space) { attribute in
            var v = Int64(value)
            return H5Awrite(attribute, icar_h5t_native_int64(), &v)
        }
    }

    private func withAttribute(_ name: String, on object: String, type: hid_t, space: hid_t,
                               _ body: (hid_t) -> herr_t) throws {
        let attribute = H5Acreate_by_name(fileID, object, name, type, space, icar_h5p_default(),
                                          icar_h5p_default(), icar_h5p_default())
        guard attribute >= 0 else { throw HDF5Error.cannotWrite(path: path, name: "\(object)@\(name)") }
        defer { H5Aclose(attribute) }
        guard body(attribute) >= 0 else { throw HDF5Error.cannotWrite(path: path, name: "\(object)@\(name)") }
    }

    // MARK: Reading

    public func contains(_ name: String) -> Bool {
        H5Lexists(fileID, name, icar_h5p_default()) > 0 && H5Oexists_by_name(fileID, name, icar_h5p_default()) > 0
    }

    /// The paths of every dataset in the file ("loss", "weights/query"), sorted: for comparing two files whole.
    public func datasetNames() -> [String] {
        final class Names { var paths: [String] = [] }
        let names = Names()
        _ = withExtendedLifetime(names) {
            H5Lvisit(fileID, H5_INDEX_NAME, H5_ITER_INC, { _, name, _, data in
                if let name, let data { Unmanaged<Names>.fromOpaque(data).takeUnretainedValue().paths.append(String(cString: name)) }
                return 0
            }, Unmanaged.passUnretained(names).toOpaque())
        }
        return names.paths.filter { (try? shape(of: $0)) != nil }.sorted()
    }

    public func shape(of name: String) throws -> [Int] {
        let dataset = try openDataset(name)
        defer { H5Dclose(dataset) }
        return datasetShape(dataset)
    }

    public func readDoubles(_ name: String) throws -> (values: [Double], shape: [Int]) {
        try read(name, type: icar_h5t_native_double(), zero: 0.0)
    }

    public func readFloats(_ name: String) throws -> (values: [Float], shape: [Int]) {
        try read(name, type: icar_h5t_native_float(), zero: Float(0))
    }

    public func readInts(_ name: String) throws -> (values: [Int64], shape: [Int]) {
        try read(name, type: icar_h5t_native_int64(), zero: Int64(0))
    }

    private func read<T>(_ name: String, type: hid_t, zero: T) throws -> (values: [T], shape: [Int]) {
        let dataset = try openDataset(name)
        defer { H5Dclose(dataset) }
        let shape = datasetShape(dataset)
        var values = [T](repeating: zero, count: shape.reduce(1, *))
        if !values.isEmpty {
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset, type, icar_h5s_all(), icar_h5s_all(), icar_h5p_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw HDF5Error.cannotRead(path: path, name: name) }
        }
        return (values, shape)
    }

    public func stringAttribute(_ name: String, on object: String = "/") throws -> String {
        let attribute = H5Aopen_by_name(fileID, object, name, icar_h5p_default(), icar_h5p_default())
        guard attribute >= 0 else { throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)") }
        defer { H5Aclose(attribute) }
        let stored = H5Aget_type(attribute)
        defer { H5Tclose(stored) }
        let memory = H5Tcopy(icar_h5t_c_s1())
        defer { H5Tclose(memory) }
        H5Tset_cset(memory, H5T_CSET_UTF8)
        if H5Tis_variable_str(stored) > 0 {
            H5Tset_size(memory, Self.variableLength)
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attribute, memory, &pointer) >= 0, let pointer else {
                throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)")
            }
            defer { H5free_memory(pointer) }
            return String(cString: pointer)
        }
        // Fixed-length strings: files written before icar stored variable-length ones.
        let size = H5Tget_size(stored)
        H5Tset_size(memory, size)
        var buffer = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attribute, memory, &buffer) >= 0 else {
            throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)")
        }
        let end = buffer.firstIndex(of: 0) ?? size
        return String(decoding: buffer[0..<end], as: UTF8.self)
    }

    public func doubleAttribute(_ name: String, on object: String = "/") throws -> Double {
        let attribute = H5Aopen_by_name(fileID, object, name, icar_h5p_default(), icar_h5p_default())
        guard attribute >= 0 else { throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)") }
        defer { H5Aclose(attribute) }
        var value = 0.0
        guard H5Aread(attribute, icar_h5t_native_double(), &value) >= 0 else {
            throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)")
        }
        return value
    }

    public func intAttribute(_ name: String, on object: String = "/") throws -> Int {
        let attribute = H5Aopen_by_name(fileID, object, name, icar_h5p_default(), icar_h5p_default())
        guard attribute >= 0 else { throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)") }
        defer { H5Aclose(attribute) }
        var value: Int64 = 0
        guard H5Aread(attribute, icar_h5t_native_int64(), &value) >= 0 else {
            throw HDF5Error.cannotRead(path: path, name: "\(object)@\(name)")
        }
        return Int(value)
    }

    private func openDataset(_ name: String) throws -> hid_t {
        guard contains(name) else { throw HDF5Error.missingDataset(path: path, name: name) }
        let dataset = H5Dopen2(fileID, name, icar_h5p_default())
        guard dataset >= 0 else { throw HDF5Error.cannotRead(path: path, name: name) }
        return dataset
    }

    private func datasetShape(_ dataset: hid_t) -> [Int] {
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }
}

public enum HDF5Error: Error, CustomStringConvertible {
    case cannotCreate(String)
    case cannotOpen(String)
    case cannotClose(String)
    case cannotWrite(path: String, name: String)
    case cannotRead(path: String, name: String)
    case missingDataset(path: String, name: String)
    case shapeMismatch(name: String, shape: [Int], count: Int)
    case nonFinite(path: String, name: String, index: Int, value: Double)
    case unlabelled(path: String, name: String, problem: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path): return "cannot create HDF5 file \(path)"
        case let .cannotOpen(path): return "cannot open \(path) as an HDF5 file (missing or not HDF5)"
        case let .cannotClose(path): return "cannot close HDF5 file \(path) (the disk may be full)"
        case let .cannotWrite(path, name): return "cannot write '\(name)' to HDF5 file \(path)"
        case let .cannotRead(path, name): return "cannot read '\(name)' from HDF5 file \(path)"
        case let .missingDataset(path, name): return "HDF5 file \(path) has no dataset '\(name)'"
        case let .nonFinite(path, name, index, value):
            return "refusing to store dataset '\(name)' in \(path): element \(index) is \(value), not a finite number"
        case let .unlabelled(path, name, problem):
            return "refusing to store dataset '\(name)' in \(path) with \(problem)"
        case let .shapeMismatch(name, shape, count):
            return "dataset '\(name)': shape \(shape) needs \(shape.reduce(1, *)) values, got \(count)"
        }
    }
}

/// The libhdf5 this process is linked against ("1.10.8"): its file layout is what an output's bytes depend on.
public let hdf5LibraryVersion: String = {
    var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
    guard H5get_libversion(&major, &minor, &release) >= 0 else { return "unknown" }
    return "\(major).\(minor).\(release)"
}()
