/** One step: turns `type` data stored at `fromVersion` into `fromVersion + 1`. Pure. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  up(data: any): any;
}

export interface VersionedEvent {
  type: string;
  schemaVersion: number;
  data: any;
}
