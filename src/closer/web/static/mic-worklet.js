// The page's microphone, inside the audio thread: the context's rate down to 16 kHz mono,
// as 16-bit PCM blocks of 512 samples (32 ms, the frame closer's voice detector takes).
// Each output sample is the mean of the input samples it covers (a box filter against
// aliasing, enough for speech into Whisper).
class CloserMic extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.acc = 0;
    this.count = 0;
    this.pos = 0;
    this.block = new Int16Array(512);
    this.filled = 0;
    this.armed = false;  // "arm" from the page: report the next block louder than -40 dBFS
    this.port.onmessage = (e) => { if (e.data === "arm") this.armed = true; };
  }

  loud(block) {
    let sum = 0;
    for (let i = 0; i < block.length; i++) sum += (block[i] / 32768) ** 2;
    return Math.sqrt(sum / block.length) > 0.01;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const channel = input[0];
    for (let i = 0; i < channel.length; i++) {
      this.acc += channel[i];
      this.count += 1;
      this.pos += 1;
      if (this.pos >= this.ratio) {
        this.pos -= this.ratio;
        const v = Math.max(-1, Math.min(1, this.acc / this.count));
        this.acc = 0;
        this.count = 0;
        this.block[this.filled++] = Math.round(v * 32767);
        if (this.filled === this.block.length) {
          if (this.armed && this.loud(this.block)) {
            this.armed = false;
            this.port.postMessage("loud");
          }
          this.port.postMessage(this.block.buffer, [this.block.buffer]);
          this.block = new Int16Array(512);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("closer-mic", CloserMic);
