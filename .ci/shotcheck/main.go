// Command shotcheck checks that a browser's screenshot of a report shows
// its charts: the charts' series colours (golden/report/chartdraw's Okabe–Ito
// palette) must cover at least -min pixels each for at least -colours of
// them. A page whose images did not load, or whose charts rendered empty,
// has none of those colours; its text and tables are black on white.
//
//	go run .ci/shotcheck/main.go [-min 2000] [-colours 2] [-crop out.png] shot.png
//
// It prints each colour's pixel count and exits 1 if the screenshot fails,
// 2 if it cannot be read. With -crop it also writes the top of the
// screenshot, where the first chart stands, as a smaller PNG to look at.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
)

// palette is golden/report/chartdraw's (chart.go): colour-blind safe, Okabe–Ito.
var palette = []struct {
	name string
	c    color.NRGBA
}{
	{"blue #0072B2", color.NRGBA{0x00, 0x72, 0xB2, 0xff}},
	{"orange #E69F00", color.NRGBA{0xE6, 0x9F, 0x00, 0xff}},
	{"green #009E73", color.NRGBA{0x00, 0x9E, 0x73, 0xff}},
	{"pink #CC79A7", color.NRGBA{0xCC, 0x79, 0xA7, 0xff}},
	{"sky #56B4E9", color.NRGBA{0x56, 0xB4, 0xE9, 0xff}},
	{"vermillion #D55E00", color.NRGBA{0xD5, 0x5E, 0x00, 0xff}},
}

func main() {
	minPixels := flag.Int("min", 2000, "pixels a colour must cover to count")
	colours := flag.Int("colours", 2, "how many palette colours must each cover -min pixels")
	crop := flag.String("crop", "", "also write the screenshot's top 1600 pixels to this PNG")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: shotcheck [-min N] [-colours K] [-crop out.png] shot.png")
		os.Exit(2)
	}
	img, err := read(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "shotcheck:", err)
		os.Exit(2)
	}
	counts := count(img)
	shown := 0
	b := img.Bounds()
	fmt.Printf("%s: %d×%d pixels\n", flag.Arg(0), b.Dx(), b.Dy())
	for i, p := range palette {
		fmt.Printf("  %-20s %8d pixels\n", p.name, counts[i])
		if counts[i] >= *minPixels {
			shown++
		}
	}
	if *crop != "" {
		if err := writeTop(img, *crop, 1600); err != nil {
			fmt.Fprintln(os.Stderr, "shotcheck:", err)
			os.Exit(2)
		}
	}
	if shown < *colours {
		fmt.Printf("FAIL: %d of the charts' colours cover %d pixels or more, want %d: the charts are not on the page\n", shown, *minPixels, *colours)
		os.Exit(1)
	}
	fmt.Printf("ok: %d of the charts' colours cover %d pixels or more\n", shown, *minPixels)
}

func read(name string) (image.Image, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return img, nil
}

// count returns, per palette colour, the pixels within a small distance of
// it (a browser's colour management and antialiasing move edges a little;
// bars and dots keep their colour inside).
func count(img image.Image) []int {
	counts := make([]int, len(palette))
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			for i, p := range palette {
				if near(c, p.c) {
					counts[i]++
					break
				}
			}
		}
	}
	return counts
}

func near(a, b color.NRGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= 6 && d(a.G, b.G) <= 6 && d(a.B, b.B) <= 6
}

func writeTop(img image.Image, name string, h int) error {
	b := img.Bounds()
	h = min(h, b.Dy())
	top := image.NewNRGBA(image.Rect(0, 0, b.Dx(), h))
	draw.Draw(top, top.Bounds(), img, b.Min, draw.Src)
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, top); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
