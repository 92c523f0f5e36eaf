namespace Ember.Tests.Serialization;

/// <summary>Where the files PyTorch made for these tests are (tests/golden/serialization/, copied next to the tests).</summary>
internal static class Fixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "golden", "serialization");

    public static string Path_(string name) => Path.Combine(Dir, name);

    /// <summary>Every committed fixture PyTorch wrote (not Ember's own files).</summary>
    public static IEnumerable<string> All() => Directory.GetFiles(Dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>A fresh empty folder under the temp directory, for files a test writes.</summary>
    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "ember-ser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
