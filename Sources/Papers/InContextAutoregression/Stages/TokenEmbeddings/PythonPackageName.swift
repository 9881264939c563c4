import Foundation

/// The packaging grammar of a pinned distribution: a PEP 508 name and a PEP 440 public version in canonical form.
///
/// A note on why so strict: the name and version become parts of a URL and of a file name. Under this grammar
/// neither can start with '-', hold '/', ':', '@', '?', '#', '%' or spaces, so neither reads as an option, a URL or
/// a path.
enum PythonPackageName {
    /// `[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`
    static func nameProblem(_ name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        func alphanumeric(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        }
        guard let first = scalars.first, let last = scalars.last, alphanumeric(first), alphanumeric(last),
              scalars.allSatisfy({ alphanumeric($0) || "._-".unicodeScalars.contains($0) }), scalars.count <= 100 else {
            return "is not a distribution name (PEP 508: letters, digits, '.', '_', '-', starting and ending with a letter or digit), got \"\(name)\""
        }
        return nil
    }

    /// `[N!]N(.N)*[{a|b|rc}N][.postN][.devN]` with no leading zeros: the canonical form PyPI files are named by.
    static func versionProblem(_ version: String) -> String? {
        let pattern = #"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"#
        guard version.count <= 64, version.range(of: pattern, options: .regularExpression) != nil else {
            return "is not a canonical PEP 440 version (e.g. 1.0, 0.6, 2.1rc1, 1.0.post2), got \"\(version)\""
        }
        return nil
    }

    /// PEP 503 normalised form: lower case, runs of '-', '_', '.' as one '-'.
    static func normalised(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "[-_.]+", with: "-", options: .regularExpression)
    }

    /// Whether `fileName` is an archive of `name` `version`: a pure-Python wheel (`NAME-VERSION-…-none-any.whl`)
    /// or an sdist (`NAME-VERSION.tar.gz` / `.zip`), as `sdist` asks.
    static func isArchive(_ fileName: String, of name: String, version: String, sdist: Bool) -> Bool {
        let stem: Substring
        if sdist {
            guard let suffix = [".tar.gz", ".zip"].first(where: { fileName.hasSuffix($0) }) else { return false }
            stem = fileName.dropLast(suffix.count)
            guard stem.hasSuffix("-" + version) else { return false }
            return normalised(String(stem.dropLast(version.count + 1))) == normalised(name)
        }
        guard fileName.hasSuffix("-none-any.whl") else { return false }
        stem = fileName.dropLast(".whl".count)
        let fields = stem.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 5 || fields.count == 6 else { return false }
        return normalised(String(fields[0])) == normalised(name) && fields[1] == version
    }
}
