import Foundation
import PipelineEngine

/// The one font every figure is drawn with: DejaVu Sans from Debian's fonts-dejavu-core (scripts/bootstrap installs
/// it), handed to gnuplot through a private fontconfig configuration that knows no other font and fixes the
/// rendering settings.
///
/// A note on why: with the system configuration, "Helvetica" resolved to whatever face the installed packages
/// offered, and the rendering settings come from /etc/fonts/conf.d, so a new font package changed every figure
/// under unchanged keys. The font files' hashes are part of the plot kinds' toolchain, so they are in the key.
public enum PinnedFont {
    public static let family = "DejaVu Sans"
    public static let package = "fonts-dejavu-core"
    public static let directory = "/usr/share/fonts/truetype/dejavu"
    /// Regular and bold (enhanced text's {/:Bold …}); italics are slanted by cairo from the regular face.
    public static let files = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]

    /// "DejaVuSans.ttf SHA; DejaVuSans-Bold.ttf SHA", or why the font cannot be used.
    public static let fingerprint: String = {
        var parts: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: directory + "/" + file) else {
                return "missing \(directory)/\(file)"
            }
            parts.append(file + " " + SHA256Hasher.hex(of: [UInt8](data)))
        }
        return parts.joined(separator: "; ")
    }()

    /// Makes a folder under the system temp dir (the store's tmp/ in a stage process) holding links to the font
    /// files and a fonts.conf that lists only them; returns `base` with that configuration, for gnuplot, and the
    /// folder to remove.
    public static func environment(base: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (environment: [String: String], folder: String) {
        if fingerprint.hasPrefix("missing") {
            throw PipelineError("the figure font is not installed (\(fingerprint)): install Debian's \(package) (scripts/bootstrap does)")
        }
        let folder = NSTemporaryDirectory() + "icar-fonts-" + UUID().uuidString
        let fonts = folder + "/fonts"
        try FileManager.default.createDirectory(atPath: fonts, withIntermediateDirectories: true)
        for file in files {
            try FileManager.default.createSymbolicLink(atPath: fonts + "/" + file, withDestinationPath: directory + "/" + file)
        }
        let configuration = """
        <?xml version="1.0"?>
        <!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
        <fontconfig>
          <dir>\(fonts)</dir>
          <cachedir>\(folder)/cache</cachedir>
          <config><rescan><int>0</int></rescan></config>
          <match target="pattern">
            <edit name="family" mode="assign" binding="strong"><string>\(family)</string></edit>
          </match>
          <match target="font">
            <edit name="antialias" mode="assign"><bool>true</bool></edit>
            <edit name="hinting" mode="assign"><bool>true</bool></edit>
            <edit name="hintstyle" mode="assign"><const>hintslight</const></edit>
            <edit name="autohint" mode="assign"><bool>false</bool></edit>
            <edit name="rgba" mode="assign"><const>none</const></edit>
            <edit name="lcdfilter" mode="assign"><const>lcddefault</const></edit>
            <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
          </match>
        </fontconfig>
        """
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: folder + "/fonts.conf"))
        var environment = base
        environment["FONTCONFIG_FILE"] = folder + "/fonts.conf"
        environment["FONTCONFIG_PATH"] = folder
        // Nothing from the user's own font setup: fontconfig would read ~/.config/fontconfig only if included,
        // and HOME-relative caches are replaced by the cachedir above.
        environment["XDG_CONFIG_HOME"] = folder
        environment["XDG_CACHE_HOME"] = folder + "/cache"
        return (environment, folder)
    }
}
