import type { KafkaSimE2eApi } from "../src/ui/e2eApi.ts";

declare global {
  interface Window {
    __kafkaSim?: KafkaSimE2eApi;
  }
}
