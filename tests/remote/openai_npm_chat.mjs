// Run by tst_openai_npm: the official `openai` npm package against `rwb serve`. Prints one JSON
// object with what the SDK saw; the C++ test checks it. BASE_URL and API_KEY come from the env.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: process.env.API_KEY,
                            maxRetries: 0, timeout: 60000 });
const out = {};
const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const messages = [{ role: 'user', content: 'What is 2+2?' }];
const whole = await client.chat.completions.create({
  model: 'tiny-r1', messages, max_tokens: 16, seed: 1, thinking_budget: 4 });
out.whole = { object: whole.object, content: whole.choices[0].message.content,
              reasoning: whole.choices[0].message.reasoning_content,
              finish: whole.choices[0].finish_reason, usage: whole.usage };

const stream = await client.chat.completions.create({
  model: 'tiny-r1', messages, max_tokens: 16, seed: 1, thinking_budget: 4, stream: true,
  stream_options: { include_usage: true } });
const s = { chunks: 0, content: '', reasoning: '', finish: null, usage: null };
for await (const chunk of stream) {
  s.chunks += 1;
  const choice = chunk.choices[0];
  if (choice) {
    s.content += choice.delta?.content ?? '';
    s.reasoning += choice.delta?.reasoning_content ?? '';
    if (choice.finish_reason) s.finish = choice.finish_reason;
  }
  if (chunk.usage) s.usage = chunk.usage;
}
out.stream = s;

try {
  await client.chat.completions.create({ model: 'no-such-model', messages });
  out.error = null;
} catch (e) {
  out.error = { status: e.status, code: e.code ?? null, type: e.type ?? null };
}
console.log(JSON.stringify(out));
