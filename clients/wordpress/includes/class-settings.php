<?php
/**
 * The plugin's options. The site API key is stored only sealed (API_Credits_Vault) and is read only by the HTTP
 * client; nothing that renders HTML or answers the browser ever reads it.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Settings {
	public const CONNECTION = 'api_credits_connection';
	public const OPTIONS    = 'api_credits_options';
	public const PLAN_CACHE = 'api_credits_plan';
	/** Every option the plugin writes, for uninstall. */
	public const ALL = array( self::CONNECTION, self::OPTIONS, 'api_credits_index_state', 'api_credits_last_402' );

	/** @return array{serviceUrl:string,siteId:string,keyId:string,siteUrl:string,connectedAt:int}|null */
	public static function connection(): ?array {
		$c = get_option( self::CONNECTION );
		return is_array( $c ) && ! empty( $c['siteId'] ) ? $c : null;
	}

	public static function is_connected(): bool {
		return null !== self::connection() && null !== self::site_key();
	}

	public static function service_url(): string {
		$c = self::connection();
		return $c ? $c['serviceUrl'] : '';
	}

	/** The decrypted site API key; only API_Credits_Client calls this. */
	public static function site_key(): ?string {
		$c = get_option( self::CONNECTION );
		if ( ! is_array( $c ) || empty( $c['sealedKey'] ) ) {
			return null;
		}
		return API_Credits_Vault::open( (string) $c['sealedKey'] );
	}

	public static function save_connection( string $service_url, string $site_id, string $api_key, string $key_id ): void {
		delete_transient( self::PLAN_CACHE );
		update_option(
			self::CONNECTION,
			array(
				'serviceUrl'  => $service_url,
				'siteId'      => $site_id,
				'keyId'       => $key_id,
				'siteUrl'     => home_url(),
				'connectedAt' => time(),
				'sealedKey'   => API_Credits_Vault::seal( $api_key ),
			),
			false
		);
	}

	public static function forget_connection(): void {
		delete_option( self::CONNECTION );
		delete_option( 'api_credits_last_402' );
		delete_transient( self::PLAN_CACHE );
	}

	/** @return array{postTypes:string[],knowledgeBaseId:string,searchEnabled:bool,searchPerMinute:int,deleteDataOnUninstall:bool} */
	public static function options(): array {
		$o = get_option( self::OPTIONS );
		$o = is_array( $o ) ? $o : array();
		return array(
			'postTypes'       => isset( $o['postTypes'] ) && is_array( $o['postTypes'] ) ? array_values( array_map( 'strval', $o['postTypes'] ) ) : array( 'post', 'page' ),
			'knowledgeBaseId' => isset( $o['knowledgeBaseId'] ) ? (string) $o['knowledgeBaseId'] : '',
			'searchEnabled'   => ! empty( $o['searchEnabled'] ),
			'deleteDataOnUninstall' => ! empty( $o['deleteDataOnUninstall'] ),
			'searchPerMinute' => isset( $o['searchPerMinute'] ) ? max( 1, min( 600, (int) $o['searchPerMinute'] ) ) : 10,
		);
	}

	public static function update_options( array $changes ): array {
		$o = array_merge( self::options(), $changes );
		update_option( self::OPTIONS, $o, false );
		return $o;
	}

	/** The public view of the connection for the admin screens: never the key. */
	public static function public_connection(): array {
		$c = self::connection();
		if ( ! $c ) {
			return array( 'connected' => false );
		}
		return array(
			'connected'   => null !== self::site_key(),
			'serviceUrl'  => $c['serviceUrl'],
			'siteId'      => $c['siteId'],
			'siteUrl'     => $c['siteUrl'],
			'connectedAt' => gmdate( 'c', (int) $c['connectedAt'] ),
		);
	}
}
