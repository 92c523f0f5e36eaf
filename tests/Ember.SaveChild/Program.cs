// Saves generation after generation over one file until killed. Each file holds the generation
// number and a 2 MiB tensor filled with it, so a reader can tell a torn write from a whole one.
using System.Globalization;
using Ember;
using Ember.Serialization;

string path = args[0];
long gen = long.Parse(args[1], CultureInfo.InvariantCulture);
for (; ; gen++)
{
    var data = Tensor.Full([512, 1024], gen, DType.Float32);
    Console.WriteLine($"begin {gen}");
    TorchFile.Save(new Dictionary<string, object?> { ["gen"] = gen, ["data"] = data }, path);
    Console.WriteLine($"saved {gen}");
}
