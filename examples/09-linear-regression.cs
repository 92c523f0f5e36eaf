#:project ../src/Ember/Ember.csproj
#:project ../src/Ember.Vision/Ember.Vision.csproj
// Chapter 20.3.11: linear regression with autograd. 100 points x in [-1, 1] with y = 3x^2 + 2 plus
// uniform noise in [0, 0.2); the model y = w*x^2 + b is fitted by hand-written gradient steps
// (learning rate 0.001, 800 steps). PyTorch running this program from torch.manual_seed(100) ends at
// w = 2.9645, b = 2.1146, and so does Ember. The data and the fitted curve are plotted to a PNG
// (the first argument, default linear-regression.png).
using System.Globalization;
using Ember;
using Ember.Vision;

// The plot's path is checked before training, so a bad one costs nothing; it and any failure to
// write end the program with one line on stderr.
if (args.Length > 1 || (args.Length == 1 && (args[0].StartsWith('-') || string.IsNullOrWhiteSpace(args[0]))))
    return Fail(2, "takes at most one argument, the plot's file name (default linear-regression.png).");
string plotPath = args.Length > 0 ? args[0] : "linear-regression.png";
if (PlotPathProblem(plotPath) is { } problem) return Fail(2, problem);

Tensor.ManualSeed(100);
var x = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);             // [100, 1]
var y = 3 * x.Pow(2) + 2 + 0.2 * Tensor.Rand(x.Shape.ToArray());

var w = Tensor.Randn(1, 1).RequiresGrad_();
var b = Tensor.Zeros(1, 1).RequiresGrad_();
const float lr = 0.001f;

for (int step = 0; step < 800; step++)
{
    var yPred = x.Pow(2).Mm(w) + b;
    var loss = (0.5 * (yPred - y).Pow(2)).Sum();
    loss.Backward();
    using (Autograd.NoGrad())
    {
        w.Sub_(lr * w.Grad!);
        b.Sub_(lr * b.Grad!);
        w.Grad!.Zero_();
        b.Grad!.Zero_();
    }
    if (step % 200 == 199)
        Console.WriteLine($"step {step,3}  loss {loss.Item<float>().ToString("F4", CultureInfo.InvariantCulture)}");
}

float wv = w.Item<float>(), bv = b.Item<float>();
Console.WriteLine($"w = {wv.ToString("F4", CultureInfo.InvariantCulture)}, b = {bv.ToString("F4", CultureInfo.InvariantCulture)}");

try { Plot.Save(plotPath, x.ToArray<float>(), y.ToArray<float>(), v => wv * v * v + bv); }
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    return Fail(1, $"cannot write the plot to {Path.GetFullPath(plotPath)}: {e.Message}");
}
Console.WriteLine($"plot written to {Path.GetFullPath(plotPath)}");
return 0;

static int Fail(int exitCode, string message)
{
    Console.Error.WriteLine($"09-linear-regression: {message}");
    return exitCode;
}

// Why the plot cannot be written to path, or null: it names a folder, or a folder on its way is a file.
static string? PlotPathProblem(string path)
{
    string full = Path.GetFullPath(path);
    if (Directory.Exists(full))
        return $"{full} is a folder; give the plot's file name, e.g. {Path.Combine(full, "linear-regression.png")}.";
    for (string? dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        if (File.Exists(dir)) return $"cannot write the plot to {full}: {dir} is a file, not a folder.";
    return null;
}

/// <summary>A small scatter-and-curve plot drawn into an RGB tensor and saved as PNG.</summary>
static class Plot
{
    const int Width = 480, Height = 360, Margin = 30;

    public static void Save(string path, float[] xs, float[] ys, Func<float, float> curve)
    {
        var img = new float[3, Height, Width];
        Fill(img, 1f, 1f, 1f);
        float xMin = xs.Min(), xMax = xs.Max();
        float yMin = Math.Min(ys.Min(), 0), yMax = ys.Max() * 1.05f;
        int Px(float v) => Margin + (int)MathF.Round((v - xMin) / (xMax - xMin) * (Width - 2 * Margin));
        int Py(float v) => Height - Margin - (int)MathF.Round((v - yMin) / (yMax - yMin) * (Height - 2 * Margin));

        // Axes: the x axis at y = 0 and the y axis at x = 0, in grey.
        for (int px = Margin; px <= Width - Margin; px++) Dot(img, px, Py(0), 0, 0.6f, 0.6f, 0.6f);
        for (int py = Margin; py <= Height - Margin; py++) Dot(img, Px(0), py, 0, 0.6f, 0.6f, 0.6f);
        // Data points in blue.
        for (int i = 0; i < xs.Length; i++) Dot(img, Px(xs[i]), Py(ys[i]), 2, 0.1f, 0.3f, 0.9f);
        // The fitted curve in red, sampled once per pixel column and joined.
        int prevY = Py(curve(xMin));
        for (int px = Px(xMin); px <= Px(xMax); px++)
        {
            float v = xMin + (px - Margin) / (float)(Width - 2 * Margin) * (xMax - xMin);
            int py = Py(curve(v));
            for (int yy = Math.Min(prevY, py); yy <= Math.Max(prevY, py); yy++) Dot(img, px, yy, 1, 0.9f, 0.1f, 0.1f);
            prevY = py;
        }
        ImageIO.SaveImage(Tensor.From(img), path);
    }

    static void Fill(float[,,] img, float r, float g, float b)
    {
        for (int yy = 0; yy < Height; yy++)
            for (int xx = 0; xx < Width; xx++) { img[0, yy, xx] = r; img[1, yy, xx] = g; img[2, yy, xx] = b; }
    }

    static void Dot(float[,,] img, int cx, int cy, int radius, float r, float g, float b)
    {
        for (int yy = cy - radius; yy <= cy + radius; yy++)
            for (int xx = cx - radius; xx <= cx + radius; xx++)
                if (yy >= 0 && yy < Height && xx >= 0 && xx < Width) { img[0, yy, xx] = r; img[1, yy, xx] = g; img[2, yy, xx] = b; }
    }
}
