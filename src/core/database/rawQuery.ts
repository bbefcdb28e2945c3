import { coreOf, type Connection } from './connection';

/** The parts of mysql2's internal Query command and Packet this relies on. */
interface Packet {
  constructor: new (sequenceId: number, buffer: Buffer, start: number, end: number) => Packet;
  buffer: Buffer;
  end: number;
}
interface DriverConnection {
  writePacket(packet: Packet): void;
}
type State = (packet: unknown, connection: DriverConnection) => unknown;
interface QueryCommand {
  start: State;
}
interface ConnectionClass {
  createQuery(sql: string, values: unknown[], callback: (error: Error | null) => void, config: unknown): QueryCommand;
}

/**
 * Runs one statement given as UTF-8 bytes. mysql2 takes only strings: a 1 MB
 * INSERT read from a dump would be decoded, scanned for placeholders and
 * encoded again. Here the driver builds its query packet for an empty
 * statement and the packet actually sent is that one with these bytes
 * appended: whatever the driver puts before the text stays (MySQL 8.0.23+
 * negotiates query attributes, two more bytes MariaDB never gets). Results,
 * errors and packets over 16 MB stay the driver's.
 */
export function queryBytes(connection: Connection, sql: Buffer): Promise<void> {
  const core = coreOf(connection) as unknown as { constructor: ConnectionClass; config: unknown; addCommand(command: QueryCommand): void };
  return new Promise((resolve, reject) => {
    const command = core.constructor.createQuery('', [], (error) => (error ? reject(error) : resolve()), core.config);
    const driverStart = Object.getPrototypeOf(command).start as State;
    command.start = function (this: QueryCommand, packet, driver) {
      const writePacket = driver.writePacket;
      driver.writePacket = function (this: DriverConnection, built: Packet) {
        driver.writePacket = writePacket;
        const bytes = Buffer.concat([built.buffer.subarray(0, built.end), sql]);
        writePacket.call(this, new built.constructor(0, bytes, 0, bytes.length));
      };
      try {
        return driverStart.call(this, packet, driver);
      } finally {
        driver.writePacket = writePacket;
      }
    };
    core.addCommand(command);
  });
}
